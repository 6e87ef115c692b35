//! The TLS files: key.pem that does not belong to cert.pem (or cannot be
//! read), and a daemon serving another certificate than the one on disk
//! (asked once over the network, unless offline).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use super::{Finding, Inputs};

/// The largest PEM file read (a certificate chain is a few KB).
const MAX_PEM_BYTES: u64 = 1024 * 1024;
/// How long the online check waits for the daemon's TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);

fn read_capped(p: &Path) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    crate::fsutil::open_regular(p)?
        .take(MAX_PEM_BYTES)
        .read_to_end(&mut v)?;
    Ok(v)
}

/// The first certificate of a PEM file, as DER.
pub fn first_cert(pem: &[u8]) -> Option<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(pem).next()?.ok()
}

/// Whether `key_pem` is the private key of the certificate in `cert_pem`:
/// `Ok(())`, or why not (unreadable, or another key).
pub fn key_matches(cert_pem: &[u8], key_pem: &[u8]) -> Result<(), KeyProblem> {
    let cert = first_cert(cert_pem).ok_or(KeyProblem::CertUnreadable)?;
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| KeyProblem::Unreadable(format!("no PEM private key in it ({e})")))?;
    let provider = rustls::crypto::ring::default_provider();
    let signing = provider
        .key_provider
        .load_private_key(key)
        .map_err(|e| KeyProblem::Unreadable(format!("not a usable private key ({e})")))?;
    let ck = rustls::sign::CertifiedKey::new(vec![cert], signing);
    match ck.keys_match() {
        Ok(()) => Ok(()),
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(KeyProblem::Mismatch)
        }
        // A key type whose public half rustls cannot derive: not a finding.
        Err(_) => Ok(()),
    }
}

#[derive(Debug)]
pub enum KeyProblem {
    CertUnreadable,
    Unreadable(String),
    Mismatch,
}

/// key.pem present, readable, and the key of cert.pem.
pub fn key_pair(i: &Inputs, out: &mut Vec<Finding>) {
    let ssl = &i.layout.ssl_dir;
    let (cert_p, key_p) = (ssl.join("cert.pem"), ssl.join("key.pem"));
    let Ok(cert) = read_capped(&cert_p) else {
        return; // `certificate` names a missing cert.pem
    };
    let restore = format!(
        "put back the key that belongs to cert.pem (from your secret store, or from the newest backup: `talos restore {} --partial ssl`), then `talos restart` so the daemon loads it",
        crate::archive::newest_backup(&i.settings.backup_dir.value)
            .map(|(_, p)| p.display().to_string())
            .unwrap_or_else(|| "BACKUP".into())
    );
    let key = match read_capped(&key_p) {
        Ok(k) => k,
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "missing"
            } else {
                "unreadable"
            };
            out.push(
                Finding::fail(
                    "certificate",
                    format!("key.pem is {what}: {}", key_p.display()),
                )
                .evidence(e.to_string())
                .evidence("the daemon cannot serve HTTPS without the key of cert.pem")
                .path(&key_p)
                .fix(restore),
            );
            return;
        }
    };
    match key_matches(&cert, &key) {
        Ok(()) | Err(KeyProblem::CertUnreadable) => {}
        Err(KeyProblem::Unreadable(why)) => out.push(
            Finding::fail(
                "certificate",
                format!(
                    "key.pem is not a readable private key (truncated or damaged): {}",
                    key_p.display()
                ),
            )
            .integrity()
            .evidence(format!("{why}; {} bytes", key.len()))
            .evidence("the daemon will fail to start its HTTPS listener with it")
            .path(&key_p)
            .fix(restore),
        ),
        Err(KeyProblem::Mismatch) => out.push(
            Finding::fail("certificate", "key.pem does not match cert.pem")
                .evidence(format!(
                    "the public key of {} is not the one of the private key in {}",
                    cert_p.display(),
                    key_p.display()
                ))
                .evidence("one of them was replaced without the other (a half-done renewal?)")
                .path(&key_p)
                .fix(format!(
                    "install the matching pair: the key issued with this cert.pem, or the cert issued for this key; else {restore}"
                )),
        ),
    }
}

/// Accepts any certificate: the check only looks at what is served.
#[derive(Debug)]
struct Capture(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The certificate a TLS server at `host:port` presents (no trust check:
/// nothing is sent after the handshake).
pub fn served_certificate(host: &str, port: u16) -> Result<CertificateDer<'static>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Capture(provider)))
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| format!("{host} has no address"))?;
    let mut sock =
        TcpStream::connect_timeout(&addr, HANDSHAKE_TIMEOUT).map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(|e| e.to_string())?;
    sock.set_write_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).map_err(|e| e.to_string())?;
    }
    let _ = sock.flush();
    conn.peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.clone().into_owned())
        .ok_or_else(|| "the server presented no certificate".to_string())
}

/// Online: the daemon answers over HTTPS with another certificate than
/// cert.pem (renewed on disk, not reloaded; or another server on the port).
pub fn served_cert(i: &Inputs, out: &mut Vec<Finding>) {
    let Some(live) = i.live else { return };
    if live.health().is_none() {
        return;
    }
    let Ok(url) = url::Url::parse(&live.url) else {
        return;
    };
    if url.scheme() != "https" {
        return;
    }
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return;
    };
    let cert_p = i.layout.ssl_dir.join("cert.pem");
    let Some(disk) = read_capped(&cert_p).ok().and_then(|b| first_cert(&b)) else {
        return;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let served = match served_certificate(host, port) {
        Ok(c) => c,
        Err(_) => return, // the API answered: a probe failing now is not evidence
    };
    if served.as_ref() == disk.as_ref() {
        return;
    }
    let describe = |der: &[u8]| {
        x509_parser::parse_x509_certificate(der)
            .map(|(_, c)| {
                format!(
                    "subject {}, serial {}, valid until {}",
                    c.subject(),
                    c.raw_serial_as_string(),
                    c.validity().not_after
                )
            })
            .unwrap_or_else(|_| "unparsable".into())
    };
    out.push(
        Finding::warn(
            "certificate",
            "the daemon serves a different certificate than cert.pem",
        )
        .evidence(format!(
            "served at {}: {}",
            live.url,
            describe(served.as_ref())
        ))
        .evidence(format!(
            "on disk {}: {}",
            cert_p.display(),
            describe(disk.as_ref())
        ))
        .evidence("the certificate on disk was replaced after the daemon started, or another server answers on that port")
        .path(&cert_p)
        .fix("`talos restart` so the daemon loads cert.pem (check first that `talos doctor` names no key.pem problem)"),
    );
}
