//! The project explains itself: what talos prints, its docs, man pages and
//! completions cite only documents in the repository, and help text names
//! real paths rather than placeholders.

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for d in [
        "src",
        "docs",
        "man",
        "completions",
        "tests",
        "benches",
        "fixtures",
    ] {
        files_under(&root.join(d), &mut out);
    }
    out
}

#[test]
fn no_citation_of_documents_outside_the_repository() {
    // Built from pieces so this file does not match itself.
    let banned = [
        ["CONT", "RACT"].concat(),
        ["seed ", "00"].concat(),
        ["Appen", "dix"].concat(),
    ];
    let mut hits = Vec::new();
    for f in sources() {
        // Third-party licence texts are quoted verbatim.
        if f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("LICENSE"))
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if banned.iter().any(|b| {
                line.contains(b.as_str())
                    || lower.contains(&b.to_lowercase()[..]) && b.starts_with("seed")
            }) {
                hits.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "citations of missing documents:\n{}",
        hits.join("\n")
    );
}

#[test]
fn every_cited_doc_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let re = regex::Regex::new(r"docs/([a-z_]+)\.md").unwrap();
    let mut missing = Vec::new();
    for f in sources() {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for c in re.captures_iter(&text) {
            let doc = root.join("docs").join(format!("{}.md", &c[1]));
            if !doc.is_file() {
                missing.push(format!("{} cites {}", f.display(), doc.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn help_and_man_pages_name_real_paths_not_placeholders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let re =
        regex::Regex::new(r"\b(DATA|LOG|STATE|AUDIT|CONFIG|SSL|RUN|BACKUP|CUSTOM)_DIR\b").unwrap();
    let mut out = Vec::new();
    for d in ["man", "completions"] {
        files_under(&root.join(d), &mut out);
    }
    let hits: Vec<String> = out
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            re.find(&text)
                .map(|m| format!("{}: {}", f.display(), m.as_str()))
        })
        .collect();
    assert!(hits.is_empty(), "placeholders in help: {hits:?}");
}
