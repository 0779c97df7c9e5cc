//! Audit events: one `tracing` event per verification decision, with the `tracing` feature.
//!
//! Each event, at target `till::audit`, carries the key id, root key id, subject, delegation
//! labels, requested scopes and the outcome code, and says whether those claims were proven
//! (a refused key's claims are what it says, not what is true). Never the key or a secret.

use crate::error::{Error, ErrorCode};
use crate::inspect::inspect;
use crate::verify::{Asked, Grant};

/// Records one decision.
pub(crate) fn record(key: &[u8], asked: Asked<'_>, result: &Result<Grant, Error>) {
    let requested = match asked {
        Asked::Nothing => String::new(),
        Asked::Request(r) => {
            let joined: Vec<&str> = r.scopes().iter().map(|s| s.as_str()).collect();
            joined.join(if r.is_any_of() { " | " } else { " " })
        }
        Asked::Scope(scope) => scope.to_owned(),
    };
    match result {
        Ok(grant) => {
            let chain: Vec<&str> = grant.chain().map(|l| l.label.unwrap_or("-")).collect();
            tracing::info!(
                target: "till::audit",
                key_id = %grant.key_id(),
                root_key_id = %grant.root_key_id(),
                subject = grant.subject().unwrap_or("-"),
                chain = %chain.join(" > "),
                requested = %requested,
                outcome = "allowed",
                verified = true,
            );
        }
        Err(error) => {
            // A refused key may be forged; what it claims is still worth a line in an audit log.
            let claimed = inspect(key).ok();
            let chain: Vec<String> = claimed.as_ref().map_or_else(Vec::new, |c| {
                c.blocks
                    .iter()
                    .map(|b| b.label.clone().unwrap_or_else(|| "-".to_owned()))
                    .collect()
            });
            tracing::warn!(
                target: "till::audit",
                key_id = %claimed.as_ref().map_or_else(|| "-".to_owned(), |c| c.key_id.to_string()),
                root_key_id = %claimed.as_ref().map_or("-", |c| c.root_key_id.as_str()),
                subject = claimed.as_ref().and_then(|c| c.subject.as_deref()).unwrap_or("-"),
                chain = %chain.join(" > "),
                requested = %requested,
                outcome = error.code().as_str(),
                verified = proven(error.code()),
            );
        }
    }
}

/// Whether a refusal came after the tag was proven, so that the key's claims are true.
fn proven(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::WrongEnvironment
            | ErrorCode::WrongAudience
            | ErrorCode::Expired
            | ErrorCode::NotYetValid
            | ErrorCode::DelegationLimit
            | ErrorCode::Revoked
            | ErrorCode::InsufficientScope
    )
}
