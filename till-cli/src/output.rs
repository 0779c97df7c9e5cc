//! What the command prints: plain text for people, JSON with `--json`.
//!
//! Secrets go only to standard output, and only where printing them is the point (`init`,
//! `mint`, `attenuate`). Standard error never carries a key or a root key.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use serde_json::json;
use till_core::{ApiKey, Grant, Policy, RootKey, UnixTime, Unverified};

use crate::Failure;

/// Writes to standard output, as `print!` does.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!($($arg)*))
    };
}

/// Writes a line to standard output, as `println!` does.
macro_rules! sayln {
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use sayln;

thread_local! {
    /// Whether standard output has stopped taking what is written to it.
    static CLOSED: Cell<bool> = const { Cell::new(false) };
}

/// Writes to standard output. A reader that stops reading (a pipe into `head` closes) ends
/// the output, not the command, which finishes and exits with the status its outcome gives;
/// any other failure to write is said once on standard error.
pub(crate) fn write_out(args: fmt::Arguments<'_>) {
    if CLOSED.get() {
        return;
    }
    if let Err(e) = io::stdout().lock().write_fmt(args) {
        CLOSED.set(true);
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("till: cannot write to standard output: {e}");
        }
    }
}

pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether JSON was asked for.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    pub(crate) fn root_key(&self, key: &RootKey, text: &str) {
        if self.json {
            sayln!(
                "{}",
                json!({ "root_key_id": key.id().to_string(), "root_key": text })
            );
        } else {
            sayln!("{text}");
            eprintln!(
                "root key {} generated; keep it secret, e.g. in TILL_ROOT_KEY",
                key.id()
            );
        }
    }

    pub(crate) fn root_key_written(&self, key: &RootKey, path: &Path) {
        if self.json {
            sayln!(
                "{}",
                json!({ "root_key_id": key.id().to_string(), "path": path })
            );
        } else {
            sayln!("root key {} written to {}", key.id(), path.display());
        }
    }

    pub(crate) fn api_key(&self, key: &ApiKey) {
        if self.json {
            sayln!(
                "{}",
                json!({ "key": key.expose_secret(), "key_id": key.key_id() })
            );
        } else {
            sayln!("{}", key.expose_secret());
        }
    }

    pub(crate) fn grant(&self, grant: &Grant) {
        if self.json {
            sayln!("{}", json!({ "allowed": true, "grant": grant }));
            return;
        }
        sayln!("allowed");
        sayln!("  key id:    {}", grant.key_id());
        if let Some(subject) = grant.subject() {
            sayln!("  subject:   {subject}");
        }
        let scopes: Vec<String> = grant.scopes().iter().map(ToString::to_string).collect();
        sayln!("  scopes:    {}", scopes.join(" "));
        sayln!("  expires:   {}", when(grant.expires_at()));
        let chain: Vec<String> = grant
            .chain()
            .map(|l| l.label.unwrap_or("(unlabelled)").to_owned())
            .collect();
        if !chain.is_empty() {
            sayln!("  chain:     {}", chain.join(" -> "));
        }
    }

    pub(crate) fn unverified(&self, key: &Unverified) {
        if self.json {
            sayln!("{}", json!({ "verified": false, "key": key }));
            return;
        }
        sayln!("NOT VERIFIED: this is what the key claims, checked for form only");
        sayln!("  prefix/env:  {}_{}", key.prefix, key.env);
        sayln!("  root key:    {}", key.root_key_id);
        sayln!("  key id:      {}", key.key_id);
        sayln!("  subject:     {}", key.subject.as_deref().unwrap_or("-"));
        sayln!("  audience:    {}", key.audience.as_deref().unwrap_or("-"));
        let scopes: Vec<String> = key.scopes.iter().map(ToString::to_string).collect();
        sayln!("  scopes:      {}", scopes.join(" "));
        if !key.roles.is_empty() {
            sayln!("  roles:       {}", key.roles.join(" "));
        }
        sayln!(
            "  issued:      {}",
            when(Some(UnixTime::from_secs(key.issued_at)))
        );
        sayln!(
            "  expires:     {}",
            when(key.expires_at.map(UnixTime::from_secs))
        );
        for (i, block) in key.blocks.iter().enumerate() {
            let scopes = block.scopes.as_ref().map(|s| {
                s.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            sayln!(
                "  block {}:     to {}; scopes {}; expires {}",
                i + 1,
                block.label.as_deref().unwrap_or("-"),
                scopes.as_deref().unwrap_or("unchanged"),
                block
                    .expires_at
                    .map_or("unchanged".to_owned(), |t| when(Some(UnixTime::from_secs(
                        t
                    )))),
            );
        }
    }

    pub(crate) fn policy(&self, policy: &Policy) {
        let roles = policy.roles();
        if self.json {
            let roles: serde_json::Map<String, serde_json::Value> = roles
                .iter()
                .map(|(name, scopes)| ((*name).to_owned(), json!(scopes)))
                .collect();
            sayln!("{}", json!({ "valid": true, "roles": roles }));
            return;
        }
        sayln!("policy is valid: {} roles", roles.len());
        for (name, scopes) in roles {
            let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
            sayln!("  {name:<12} {}", scopes.join(" "));
        }
    }

    pub(crate) fn redacted(&self, text: &str) {
        if self.json {
            let found = till_core::find_keys(text);
            sayln!(
                "{}",
                json!({ "redacted": till_core::redact(text), "found": found })
            );
        } else {
            say!("{}", till_core::redact(text));
        }
    }

    pub(crate) fn error(&self, failure: &Failure) {
        if self.json {
            let error = json!({ "code": failure.code, "message": failure.message, "missing": failure.missing });
            sayln!("{}", json!({ "allowed": false, "error": error }));
        }
        eprintln!("till: {}: {}", failure.code, failure.message);
    }
}

/// A time in seconds since the epoch, as RFC 3339 in UTC.
pub(crate) fn when(time: Option<UnixTime>) -> String {
    let Some(time) = time else {
        return "never".to_owned();
    };
    u64::try_from(time.secs())
        .ok()
        .map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
        .map_or_else(
            || time.to_string(),
            |t| humantime::format_rfc3339_seconds(t).to_string(),
        )
}
