//! The line scanner: reads big blocks, finds line ends with memchr, carries
//! the partial last line to the next block, and never allocates per line.
//! With a needle, it jumps from one occurrence of the needle to the next
//! (memmem) and hands over only the lines that contain it, the way ripgrep
//! does: lines without the needle are never looked at one by one.

use std::io::{self, Read};
use std::ops::ControlFlow;

use memchr::memmem::Finder;

/// The longest line read. A longer one is skipped without being buffered and
/// counted as malformed: a 10 MB "line" is a corrupt file, not a log record.
pub const MAX_LINE: usize = 1 << 20;
/// How much is read at a time.
pub const BLOCK: usize = 1 << 20;

/// One line handed to the caller, without its `\n`.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// Offset of the line's first byte in the (decompressed) stream.
    pub offset: u64,
    pub bytes: &'a [u8],
    /// False for a last line that had no newline.
    pub terminated: bool,
}

#[derive(Debug, Default, Clone)]
pub struct ScanOptions<'n> {
    /// Hand over only lines containing this.
    pub needle: Option<&'n Finder<'n>>,
    /// Offset of the reader's first byte in the stream.
    pub start: u64,
    /// The reader starts mid-line: drop everything up to the first newline
    /// (the line belongs to whoever scans the bytes before `start`).
    pub skip_first_partial: bool,
    /// Stop before any line that begins at or after this offset.
    pub end: Option<u64>,
    /// Keep an unterminated last line back instead of handing it over (the
    /// writer may still be writing it: `--follow`).
    pub hold_tail: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScanEnd {
    /// Lines longer than [`MAX_LINE`], skipped.
    pub too_long: u64,
    /// Offset just past the last line handed over or skipped: where to resume.
    pub consumed: u64,
    /// The caller asked to stop.
    pub stopped: bool,
}

/// Scans `reader` and calls `on_line` for each line (each line containing the
/// needle, if one is given). Blank lines are skipped silently.
pub fn scan<R: Read>(
    reader: R,
    opts: &ScanOptions<'_>,
    on_line: impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> io::Result<ScanEnd> {
    // One buffer per thread, reused: a fresh 2 MiB buffer per file slice
    // would cost its page faults every time.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf = BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buf.resize(BLOCK + MAX_LINE, 0);
    let result = scan_with(reader, opts, on_line, &mut buf);
    BUF.with(|b| *b.borrow_mut() = buf);
    result
}

fn scan_with<R: Read>(
    mut reader: R,
    opts: &ScanOptions<'_>,
    mut on_line: impl FnMut(Line<'_>) -> ControlFlow<()>,
    buf: &mut [u8],
) -> io::Result<ScanEnd> {
    let mut end = ScanEnd {
        consumed: opts.start,
        ..ScanEnd::default()
    };
    // Offset of buf[0] in the stream, and how much of buf holds data.
    let mut base = opts.start;
    let mut filled = 0usize;
    let mut skip_partial = opts.skip_first_partial;
    let mut skip_long = false;
    loop {
        let n = read_some(&mut reader, &mut buf[filled..filled + BLOCK])?;
        let eof = n == 0;
        filled += n;
        let mut pos = 0usize;
        if skip_partial || skip_long {
            match memchr::memchr(b'\n', &buf[..filled]) {
                Some(i) => {
                    pos = i + 1;
                    if skip_long {
                        end.too_long += 1;
                    }
                    skip_partial = false;
                    skip_long = false;
                    end.consumed = base + pos as u64;
                }
                None => {
                    base += filled as u64;
                    if eof {
                        if skip_long {
                            end.too_long += 1;
                            end.consumed = base;
                        }
                        return Ok(end);
                    }
                    filled = 0;
                    continue;
                }
            }
        }
        if let Some(last_nl) = memchr::memrchr(b'\n', &buf[pos..filled]) {
            let region_end = pos + last_nl + 1;
            let flow = complete_lines(
                &buf[pos..region_end],
                base + pos as u64,
                opts,
                &mut end,
                &mut on_line,
            );
            if flow.is_break() {
                end.stopped = true;
                return Ok(end);
            }
            pos = region_end;
            end.consumed = base + pos as u64;
        }
        let tail = &buf[pos..filled];
        if eof {
            if !tail.is_empty() && !opts.hold_tail && !is_blank(tail) {
                let offset = base + pos as u64;
                if opts.end.is_some_and(|e| offset >= e) {
                    return Ok(end);
                }
                if tail.len() > MAX_LINE {
                    end.too_long += 1;
                } else if opts.needle.is_none_or(|f| f.find(tail).is_some()) {
                    let line = Line {
                        offset,
                        bytes: tail,
                        terminated: false,
                    };
                    if on_line(line).is_break() {
                        end.stopped = true;
                    }
                }
                end.consumed = base + filled as u64;
            }
            return Ok(end);
        }
        if tail.len() > MAX_LINE {
            if opts.end.is_some_and(|e| base + pos as u64 >= e) {
                return Ok(end);
            }
            skip_long = true;
            base += filled as u64;
            filled = 0;
            continue;
        }
        buf.copy_within(pos..filled, 0);
        base += pos as u64;
        filled -= pos;
    }
}

/// Like [`scan`], over bytes already in memory (a mapped file): no copy at
/// all. `opts.start` is the offset of `data[0]`.
pub fn scan_bytes(
    data: &[u8],
    opts: &ScanOptions<'_>,
    mut on_line: impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> ScanEnd {
    let start = opts.start;
    let mut end = ScanEnd {
        consumed: start,
        ..ScanEnd::default()
    };
    let mut pos = 0usize;
    if opts.skip_first_partial {
        match memchr::memchr(b'\n', data) {
            Some(i) => pos = i + 1,
            None => {
                end.consumed = start + data.len() as u64;
                return end;
            }
        }
        end.consumed = start + pos as u64;
    }
    // The lines this call owns are those starting before `end`: the last
    // one ends at the first newline at or after byte `end - 1`.
    let stop = match opts.end.map(|e| e.saturating_sub(start) as usize) {
        Some(rel) if rel < data.len() => {
            if rel <= pos {
                return end;
            }
            memchr::memchr(b'\n', &data[rel - 1..]).map_or(data.len(), |i| rel + i)
        }
        _ => data.len(),
    };
    let body = &data[pos..stop];
    let complete = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    if complete > 0 {
        let flow = complete_lines(
            &body[..complete],
            start + pos as u64,
            opts,
            &mut end,
            &mut on_line,
        );
        end.consumed = start + (pos + complete) as u64;
        if flow.is_break() && opts.end.is_none() {
            end.stopped = true;
            return end;
        }
    }
    let tail = &body[complete..];
    if !tail.is_empty() && !opts.hold_tail && !is_blank(tail) {
        if tail.len() > MAX_LINE {
            end.too_long += 1;
        } else if opts.needle.is_none_or(|f| f.find(tail).is_some()) {
            let line = Line {
                offset: start + (pos + complete) as u64,
                bytes: tail,
                terminated: false,
            };
            if on_line(line).is_break() {
                end.stopped = true;
            }
        }
        end.consumed = start + stop as u64;
    }
    end
}

/// Reads until at least one byte or EOF, retrying on EINTR.
fn read_some<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Hands over the lines of `region`, which ends with a newline.
fn complete_lines(
    region: &[u8],
    base: u64,
    opts: &ScanOptions<'_>,
    end: &mut ScanEnd,
    on_line: &mut impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut emit = |start: usize, stop: usize, end: &mut ScanEnd| -> ControlFlow<()> {
        let offset = base + start as u64;
        if opts.end.is_some_and(|e| offset >= e) {
            return ControlFlow::Break(());
        }
        let bytes = &region[start..stop];
        if bytes.len() > MAX_LINE {
            end.too_long += 1;
            return ControlFlow::Continue(());
        }
        if bytes.is_empty() || is_blank(bytes) {
            return ControlFlow::Continue(());
        }
        on_line(Line {
            offset,
            bytes,
            terminated: true,
        })
    };
    match opts.needle {
        None => {
            let mut start = 0;
            for nl in memchr::memchr_iter(b'\n', region) {
                emit(start, nl, end)?;
                start = nl + 1;
            }
        }
        Some(finder) => {
            let mut from = 0;
            while from < region.len() {
                let Some(hit) = finder.find(&region[from..]) else {
                    break;
                };
                let hit = from + hit;
                let start =
                    memchr::memrchr(b'\n', &region[from..hit]).map_or(from, |i| from + i + 1);
                // region ends with '\n', so a newline after the hit exists
                // unless the needle itself holds one.
                let stop = memchr::memchr(b'\n', &region[hit..]).map_or(region.len(), |i| hit + i);
                emit(start, stop, end)?;
                from = stop + 1;
            }
            if let Some(e) = opts.end {
                // Lines at or past `end` belong to the next chunk: stop even
                // if none of them had the needle.
                if base + region.len() as u64 >= e {
                    return ControlFlow::Break(());
                }
            }
        }
    }
    ControlFlow::Continue(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8], opts: &ScanOptions<'_>) -> (Vec<(u64, Vec<u8>, bool)>, ScanEnd) {
        let mut out = Vec::new();
        let end = scan(data, opts, |l| {
            out.push((l.offset, l.bytes.to_vec(), l.terminated));
            ControlFlow::Continue(())
        })
        .unwrap();
        (out, end)
    }

    #[test]
    fn splits_lines_and_keeps_the_tail() {
        let (l, e) = lines(b"a\nbb\n\n  \ncc", &ScanOptions::default());
        assert_eq!(
            l,
            vec![
                (0, b"a".to_vec(), true),
                (2, b"bb".to_vec(), true),
                (9, b"cc".to_vec(), false)
            ]
        );
        assert_eq!(e.consumed, 11);
        let (l, e) = lines(
            b"a\nbb\ncc",
            &ScanOptions {
                hold_tail: true,
                ..Default::default()
            },
        );
        assert_eq!(l.len(), 2);
        assert_eq!(e.consumed, 5);
    }

    #[test]
    fn needle_finds_only_its_lines() {
        let f = Finder::new("xy");
        let opts = ScanOptions {
            needle: Some(&f),
            ..Default::default()
        };
        let (l, _) = lines(b"axy xy\nb\nxy\nnope\nlastxy", &opts);
        let got: Vec<_> = l.iter().map(|x| (x.0, x.1.clone())).collect();
        assert_eq!(
            got,
            vec![
                (0, b"axy xy".to_vec()),
                (9, b"xy".to_vec()),
                (17, b"lastxy".to_vec())
            ]
        );
    }

    #[test]
    fn over_long_lines_are_skipped_and_counted() {
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE + 17));
        data.extend(b"\nsecond\n");
        data.extend(std::iter::repeat_n(b'y', MAX_LINE + 1));
        data.extend(b"\nthird");
        {
            let f = Finder::new("d");
            let opts = ScanOptions {
                needle: Some(&f),
                ..Default::default()
            };
            let (l, e) = lines(&data, &opts);
            let got: Vec<_> = l.iter().map(|x| x.1.clone()).collect();
            assert_eq!(got, vec![b"second".to_vec(), b"third".to_vec()]);
            assert!(e.too_long >= 1);
        }
        let (l, e) = lines(&data, &ScanOptions::default());
        assert_eq!(l.len(), 3);
        assert_eq!(e.too_long, 2);
    }

    #[test]
    fn bytes_and_stream_agree() {
        let mut data: Vec<u8> = (0..3000)
            .flat_map(|i| format!("line {i} {}\n", "ab".repeat(i % 41)).into_bytes())
            .collect();
        data.extend(std::iter::repeat_n(b'q', MAX_LINE + 3));
        data.extend(b"\nlast ab");
        let f = Finder::new("abab");
        for needle in [None, Some(&f)] {
            for (start, end) in [
                (0usize, None),
                (0, Some(5000u64)),
                (4999, Some(20_000)),
                (20_000, None),
            ] {
                let opts = ScanOptions {
                    needle,
                    start: start as u64,
                    skip_first_partial: start > 0,
                    end,
                    hold_tail: false,
                };
                let (a, ea) = lines(&data[start..], &opts);
                let mut b = Vec::new();
                let eb = scan_bytes(&data[start..], &opts, |l| {
                    b.push((l.offset, l.bytes.to_vec(), l.terminated));
                    ControlFlow::Continue(())
                });
                assert_eq!(a, b, "start {start} end {end:?}");
                assert_eq!(ea.too_long, eb.too_long, "start {start} end {end:?}");
            }
        }
    }

    #[test]
    fn chunks_partition_the_lines() {
        let data: Vec<u8> = (0..5000)
            .flat_map(|i| format!("line {i} {}\n", "z".repeat(i % 37)).into_bytes())
            .collect();
        let (all, _) = lines(&data, &ScanOptions::default());
        for cut in [1usize, 7, 100, 4096, data.len() / 2, data.len() - 1] {
            let a = ScanOptions {
                end: Some(cut as u64),
                ..Default::default()
            };
            let (first, _) = lines(&data, &a);
            let b = ScanOptions {
                start: cut as u64 - 1,
                skip_first_partial: true,
                ..Default::default()
            };
            let (second, _) = lines(&data[cut - 1..], &b);
            let mut both = first.clone();
            both.extend(second);
            assert_eq!(both, all, "cut at {cut}");
        }
    }
}
