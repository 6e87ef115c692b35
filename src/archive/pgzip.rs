//! Parallel gzip, the way pigz does it: the input is cut into blocks that
//! are deflated on every core at once, each primed with the last 32 KiB of
//! the block before it (so back-references reach as far as in a serial
//! stream), each ending with a sync flush so the raw deflate outputs simply
//! concatenate. One gzip member comes out, with one CRC-32 (combined from the
//! blocks') and one length: any gzip reader (GNU gzip, tar, `MultiGzDecoder`)
//! reads it as if one thread had written it.
//!
//! Memory is bounded: a few blocks queued per worker, and results waiting to
//! be written in order are bounded by the same queue.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// Bytes deflate can refer back to: what a block is primed with.
const WINDOW: usize = 32 * 1024;

/// A gzip header: no name, no mtime (0), no extra flags, OS = Unix (3).
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
/// A final, empty deflate block with fixed codes: ends the stream after the
/// blocks' sync flushes (what zlib emits for Z_FINISH on no more input).
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

struct Job {
    index: u64,
    data: Arc<Vec<u8>>,
    dict: Option<Arc<Vec<u8>>>,
}

struct Done {
    index: u64,
    deflated: Vec<u8>,
    crc: Crc,
}

/// How many compressing threads to use: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Compresses the blocks received from `input` (in order; any sizes) into
/// one gzip member written to `out`, with `threads` threads deflating at
/// once. Returns `out` after the gzip trailer. Stops early with the error if
/// `out` fails; the sender then sees the channel closed.
pub fn compress<W: Write>(
    input: mpsc::Receiver<Vec<u8>>,
    mut out: W,
    level: Compression,
    threads: usize,
) -> io::Result<W> {
    let threads = threads.max(1);
    out.write_all(&HEADER)?;
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(threads);
    let (done_tx, done_rx) = mpsc::sync_channel::<io::Result<Done>>(2 * threads);

    let result = std::thread::scope(|s| -> io::Result<(Crc, W)> {
        // Only the workers hold the job queue's receiving end, so when they
        // have all stopped (the writer failed) the dispatcher's send fails.
        let job_rx = Arc::new(Mutex::new(job_rx));
        for _ in 0..threads {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || {
                let mut c = Compress::new(level, false);
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let done = deflate_block(&mut c, &job);
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(job_rx);
        drop(done_tx);
        // The dispatcher: numbers the blocks and hands each the tail of the
        // one before it as its dictionary.
        s.spawn(move || {
            let mut prev: Option<Arc<Vec<u8>>> = None;
            for (index, data) in (0u64..).zip(input) {
                if data.is_empty() {
                    continue;
                }
                let data = Arc::new(data);
                let dict = prev.as_ref().map(|p| {
                    if p.len() <= WINDOW {
                        Arc::clone(p)
                    } else {
                        Arc::new(p[p.len() - WINDOW..].to_vec())
                    }
                });
                prev = Some(Arc::clone(&data));
                if job_tx.send(Job { index, data, dict }).is_err() {
                    return;
                }
            }
        });
        // This thread writes the blocks in order as they come back.
        let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        let mut crc = Crc::new();
        for done in done_rx {
            let done = done?;
            waiting.insert(done.index, done);
            while let Some(d) = waiting.first_entry().filter(|e| *e.key() <= next) {
                let d = d.remove();
                out.write_all(&d.deflated)?;
                crc.combine(&d.crc);
                next = d.index + 1;
            }
        }
        // Empty input blocks are skipped, so indices may jump: write the rest.
        for (_, d) in waiting {
            out.write_all(&d.deflated)?;
            crc.combine(&d.crc);
        }
        Ok((crc, out))
    });
    let (crc, mut out) = result?;
    out.write_all(&FINAL_BLOCK)?;
    out.write_all(&crc.sum().to_le_bytes())?;
    out.write_all(&crc.amount().to_le_bytes())?;
    Ok(out)
}

/// Deflates one block, ending with a sync flush (byte-aligned, not final).
fn deflate_block(c: &mut Compress, job: &Job) -> io::Result<Done> {
    c.reset();
    if let Some(dict) = &job.dict {
        c.set_dictionary(dict).map_err(io::Error::other)?;
    }
    let data = &job.data[..];
    let mut crc = Crc::new();
    crc.update(data);
    let mut deflated = Vec::with_capacity(data.len() / 3 + 1024);
    let start = c.total_in();
    loop {
        if deflated.capacity() - deflated.len() < 1024 {
            deflated.reserve(deflated.capacity().max(64 * 1024));
        }
        let consumed = (c.total_in() - start) as usize;
        let status = c
            .compress_vec(&data[consumed..], &mut deflated, FlushCompress::Sync)
            .map_err(io::Error::other)?;
        let consumed = (c.total_in() - start) as usize;
        // The flush is complete when all input is taken and deflate did not
        // fill the output space it was given.
        if consumed == data.len() && deflated.len() < deflated.capacity() {
            break;
        }
        if status == Status::StreamEnd {
            return Err(io::Error::other("deflate ended a stream early"));
        }
    }
    Ok(Done {
        index: job.index,
        deflated,
        crc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn roundtrip(blocks: Vec<Vec<u8>>, threads: usize) {
        let expected: Vec<u8> = blocks.concat();
        let (tx, rx) = mpsc::sync_channel(2);
        let feeder = std::thread::spawn(move || {
            for b in blocks {
                tx.send(b).unwrap();
            }
        });
        let gz = compress(rx, Vec::new(), Compression::new(6), threads).unwrap();
        feeder.join().unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, expected);
        // One member: nothing follows it.
        let mut d = flate2::read::GzDecoder::new(&gz[..]);
        std::io::copy(&mut d, &mut std::io::sink()).unwrap();
    }

    fn text(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let word =
                ["alpha", "beta", "gamma", "delta", "\n", "{\"seq\":", "}"][(x >> 60) as usize % 7];
            out.extend_from_slice(word.as_bytes());
            out.extend_from_slice(&(x >> 40).to_le_bytes()[..2]);
        }
        out.truncate(n);
        out
    }

    #[test]
    fn empty_input_is_a_valid_gzip() {
        roundtrip(vec![], 2);
        roundtrip(vec![vec![], vec![]], 2);
    }

    #[test]
    fn blocks_of_any_size_round_trip() {
        for threads in [1, 2, 4] {
            roundtrip(vec![text(10, 1)], threads);
            roundtrip(
                vec![text(1 << 20, 2), text(5, 3), vec![], text(70_000, 4)],
                threads,
            );
            roundtrip(
                (0..20).map(|i| text(i * 9_000 + 1, i as u64)).collect(),
                threads,
            );
        }
    }

    #[test]
    fn gnu_gzip_reads_it() {
        let data = text(3 << 20, 9);
        let (tx, rx) = mpsc::sync_channel(2);
        let blocks: Vec<Vec<u8>> = data.chunks(1 << 20).map(|c| c.to_vec()).collect();
        let feeder = std::thread::spawn(move || {
            for b in blocks {
                tx.send(b).unwrap();
            }
        });
        let gz = compress(rx, Vec::new(), Compression::new(6), 2).unwrap();
        feeder.join().unwrap();
        let Ok(mut child) = std::process::Command::new("gzip")
            .args(["-t"])
            .stdin(std::process::Stdio::piped())
            .spawn()
        else {
            return; // no gzip on this machine
        };
        child.stdin.take().unwrap().write_all(&gz).unwrap();
        assert!(
            child.wait().unwrap().success(),
            "gzip -t rejected the stream"
        );
    }

    #[test]
    fn a_failing_writer_stops_everything() {
        /// Takes the header, then fails.
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                if self.0 + b.len() > HEADER.len() {
                    return Err(io::Error::other("disk full"));
                }
                self.0 += b.len();
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let (tx, rx) = mpsc::sync_channel(2);
        let feeder = std::thread::spawn(move || {
            let mut sent = 0;
            for _ in 0..100 {
                if tx.send(text(100_000, 5)).is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        });
        assert!(compress(rx, Full(0), Compression::new(6), 2).is_err());
        assert!(feeder.join().unwrap() < 100);
    }
}
