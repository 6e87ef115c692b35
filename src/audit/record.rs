//! One audit record: `{"seq":..,"timestamp":..,"actor":..,"action":..,
//! "details":{..},"prev_hash":..,"hash":..}`. The hash covers the line's bytes
//! up to the final `,"hash":"`, so a record is checked without re-serialising.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
pub const HASH_MARKER: &[u8] = b",\"hash\":\"";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub seq: u64,
    pub timestamp: String,
    pub actor: String,
    pub action: String,
    #[serde(default)]
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 of the signed part of a line, as lowercase hex.
pub fn hash_prefix(prefix: &[u8]) -> String {
    hex(&Sha256::digest(prefix))
}

/// Splits a line (without its newline) into the signed prefix and the hash
/// it claims, when the line ends as docs/format.md says.
pub fn split_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    // `,"hash":"` + 64 hex + `"}`
    let tail = HASH_MARKER.len() + 64 + 2;
    if line.len() < tail || !line.ends_with(b"\"}") {
        return None;
    }
    let at = line.len() - tail;
    if &line[at..at + HASH_MARKER.len()] != HASH_MARKER {
        return None;
    }
    let claimed = &line[at + HASH_MARKER.len()..line.len() - 2];
    if !claimed
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    Some((&line[..at], claimed))
}

impl Record {
    /// Builds the line for a new record (without newline).
    pub fn encode(
        seq: u64,
        timestamp: &str,
        actor: &str,
        action: &str,
        details: &serde_json::Value,
        prev_hash: &str,
    ) -> Result<String, serde_json::Error> {
        let mut line = format!(
            "{{\"seq\":{seq},\"timestamp\":{},\"actor\":{},\"action\":{},\"details\":{},\"prev_hash\":{}",
            serde_json::to_string(timestamp)?,
            serde_json::to_string(actor)?,
            serde_json::to_string(action)?,
            serde_json::to_string(details)?,
            serde_json::to_string(prev_hash)?,
        );
        let hash = hash_prefix(line.as_bytes());
        line.push_str(",\"hash\":\"");
        line.push_str(&hash);
        line.push_str("\"}");
        Ok(line)
    }

    /// Parses a line and checks its own hash (not its link to the previous).
    pub fn parse(line: &[u8]) -> Result<Record, String> {
        let (prefix, claimed) = split_line(line)
            .ok_or_else(|| "line does not end with ,\"hash\":\"<64 hex>\"}".to_string())?;
        let rec: Record =
            serde_json::from_slice(line).map_err(|e| format!("not a valid record: {e}"))?;
        let actual = hash_prefix(prefix);
        if actual.as_bytes() != claimed {
            return Err(format!(
                "hash mismatch: the line says {} but its bytes hash to {actual}",
                rec.hash
            ));
        }
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_parse() {
        let line = Record::encode(
            1,
            "2024-01-15T08:30:00.000Z",
            "operator:root",
            "panic",
            &serde_json::json!({"reason": "x"}),
            GENESIS_HASH,
        )
        .unwrap();
        let rec = Record::parse(line.as_bytes()).unwrap();
        assert_eq!(rec.seq, 1);
        assert_eq!(rec.prev_hash, GENESIS_HASH);
        // Independent check: sha256 of everything before `,"hash":"`.
        let cut = line.rfind(",\"hash\":\"").unwrap();
        assert_eq!(rec.hash, hex(&Sha256::digest(&line.as_bytes()[..cut])));
        let tampered = line.replace("panic", "panik");
        assert!(Record::parse(tampered.as_bytes()).is_err());
    }
}
