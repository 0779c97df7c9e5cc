//! What the command prints: plain text for people, JSON with `--json`.
//!
//! Secrets go only to standard output, and only where printing them is the point (`init`,
//! `mint`, `attenuate`). Standard error never carries a key or a root key.

use std::path::Path;

use serde_json::json;
use till_core::{ApiKey, Grant, Policy, RootKey, UnixTime, Unverified};

use crate::Failure;

pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    pub(crate) fn root_key(&self, key: &RootKey, text: &str) {
        if self.json {
            println!(
                "{}",
                json!({ "root_key_id": key.id().to_string(), "root_key": text })
            );
        } else {
            println!("{text}");
            eprintln!(
                "root key {} generated; keep it secret, e.g. in TILL_ROOT_KEY",
                key.id()
            );
        }
    }

    pub(crate) fn root_key_written(&self, key: &RootKey, path: &Path) {
        if self.json {
            println!(
                "{}",
                json!({ "root_key_id": key.id().to_string(), "path": path })
            );
        } else {
            println!("root key {} written to {}", key.id(), path.display());
        }
    }

    pub(crate) fn api_key(&self, key: &ApiKey) {
        if self.json {
            println!(
                "{}",
                json!({ "key": key.expose_secret(), "key_id": key.key_id() })
            );
        } else {
            println!("{}", key.expose_secret());
        }
    }

    pub(crate) fn grant(&self, grant: &Grant) {
        if self.json {
            println!("{}", json!({ "allowed": true, "grant": grant }));
            return;
        }
        println!("allowed");
        println!("  key id:    {}", grant.key_id());
        if let Some(subject) = grant.subject() {
            println!("  subject:   {subject}");
        }
        let scopes: Vec<String> = grant.scopes().iter().map(ToString::to_string).collect();
        println!("  scopes:    {}", scopes.join(" "));
        println!("  expires:   {}", when(grant.expires_at()));
        let chain: Vec<String> = grant
            .chain()
            .map(|l| l.label.unwrap_or("(unlabelled)").to_owned())
            .collect();
        if !chain.is_empty() {
            println!("  chain:     {}", chain.join(" -> "));
        }
    }

    pub(crate) fn unverified(&self, key: &Unverified) {
        if self.json {
            println!("{}", json!({ "verified": false, "key": key }));
            return;
        }
        println!("NOT VERIFIED: this is what the key claims, checked for form only");
        println!("  prefix/env:  {}_{}", key.prefix, key.env);
        println!("  root key:    {}", key.root_key_id);
        println!("  key id:      {}", key.key_id);
        println!("  subject:     {}", key.subject.as_deref().unwrap_or("-"));
        println!("  audience:    {}", key.audience.as_deref().unwrap_or("-"));
        let scopes: Vec<String> = key.scopes.iter().map(ToString::to_string).collect();
        println!("  scopes:      {}", scopes.join(" "));
        if !key.roles.is_empty() {
            println!("  roles:       {}", key.roles.join(" "));
        }
        println!(
            "  issued:      {}",
            when(Some(UnixTime::from_secs(key.issued_at)))
        );
        println!(
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
            println!(
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
            println!("{}", json!({ "valid": true, "roles": roles }));
            return;
        }
        println!("policy is valid: {} roles", roles.len());
        for (name, scopes) in roles {
            let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
            println!("  {name:<12} {}", scopes.join(" "));
        }
    }

    pub(crate) fn redacted(&self, text: &str) {
        if self.json {
            let found = till_core::find_keys(text);
            println!(
                "{}",
                json!({ "redacted": till_core::redact(text), "found": found })
            );
        } else {
            print!("{}", till_core::redact(text));
        }
    }

    pub(crate) fn error(&self, failure: &Failure) {
        if self.json {
            let error = json!({ "code": failure.code, "message": failure.message, "missing": failure.missing });
            println!("{}", json!({ "allowed": false, "error": error }));
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
