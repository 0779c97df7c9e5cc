//! The revocation hook.

use std::collections::HashSet;
use std::fmt;
use std::sync::RwLock;

use crate::key::KeyId;

/// An application's revocation check.
///
/// The verifier calls it, after the tag is proven, with every id in the key's chain: the key
/// id, then the id of each attenuation block. Revoking a key id therefore revokes every key
/// attenuated from it; revoking a block id revokes that sub-key and its descendants only.
/// A block id is the part of the block's HMAC that follows its tag, so it can be published
/// safely: it tells nothing of the tag.
pub trait Revocation: Send + Sync {
    /// Whether `id` is revoked.
    fn is_revoked(&self, id: &KeyId) -> bool;
}

impl<F> Revocation for F
where
    F: Fn(&KeyId) -> bool + Send + Sync,
{
    fn is_revoked(&self, id: &KeyId) -> bool {
        self(id)
    }
}

/// An in-memory set of revoked ids, safe to update while verifiers read it.
#[derive(Default)]
pub struct RevocationList {
    ids: RwLock<HashSet<KeyId>>,
}

impl RevocationList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Revokes `id`. Returns whether it was newly added.
    pub fn revoke(&self, id: KeyId) -> bool {
        self.write().insert(id)
    }

    /// Lifts the revocation of `id`. Returns whether it was present.
    pub fn restore(&self, id: &KeyId) -> bool {
        self.write().remove(id)
    }

    /// How many ids are revoked.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no id is revoked.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashSet<KeyId>> {
        // A writer that panicked cannot leave a HashSet half-updated in a way that matters here.
        self.ids
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashSet<KeyId>> {
        self.ids
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Revocation for RevocationList {
    fn is_revoked(&self, id: &KeyId) -> bool {
        self.read().contains(id)
    }
}

impl FromIterator<KeyId> for RevocationList {
    fn from_iter<I: IntoIterator<Item = KeyId>>(ids: I) -> Self {
        Self {
            ids: RwLock::new(ids.into_iter().collect()),
        }
    }
}

impl fmt::Debug for RevocationList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevocationList")
            .field("len", &self.len())
            .finish()
    }
}
