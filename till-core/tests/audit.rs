//! Audit events, with the `tracing` feature: one per decision, naming the key and the outcome,
//! never the key text.
#![cfg(feature = "tracing")]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use till_core::{
    Attenuation, Claims, Expiry, Issuer, Keyring, Request, RootKey, Verifier, attenuate,
};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn one_event_per_decision() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();

    let keyring = Keyring::single(RootKey::generate().unwrap());
    let claims = Claims::new(["repo/acme:read"], Expiry::After(Duration::from_secs(60)))
        .unwrap()
        .subject("bot-1");
    let key = Issuer::new(&keyring).mint(&claims).unwrap();
    let sub = attenuate(
        key.expose_secret(),
        &Attenuation::new().label("agent:helper"),
    )
    .unwrap();
    let verifier = Verifier::new(&keyring);
    let mut forged = sub.expose_secret().to_owned();
    forged.pop();

    tracing::subscriber::with_default(subscriber, || {
        let read = Request::scope("repo/acme:read").unwrap();
        let write = Request::scope("repo/acme:write").unwrap();
        assert!(verifier.verify(sub.expose_secret(), &read).is_ok());
        assert!(verifier.verify(sub.expose_secret(), &write).is_err());
        assert!(verifier.verify(&forged, &read).is_err());
    });

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    let id = key.key_id().to_string();
    assert!(
        lines[0].contains("outcome=\"allowed\"") && lines[0].contains(&id),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("subject=\"bot-1\"") && lines[0].contains("agent:helper"));
    assert!(
        lines[1].contains("outcome=\"insufficient_scope\"") && lines[1].contains("verified=true")
    );
    assert!(lines[1].contains("repo/acme:write"));
    assert!(lines[2].contains("outcome=\"bad_checksum\"") && lines[2].contains("verified=false"));
    for secret in [key.expose_secret(), sub.expose_secret(), forged.as_str()] {
        assert!(
            !log.contains(&secret[secret.len() - 30..]),
            "a key reached the audit log"
        );
    }
}
