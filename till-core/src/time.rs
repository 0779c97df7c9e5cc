//! Points in time, and the clock a verifier or issuer is handed.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::limits::MAX_TIME;

/// A point in time, in whole seconds since the Unix epoch (UTC).
///
/// Any `i64` is a valid reading of a clock; only `0..=MAX_TIME` can be written into a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The time `secs` seconds after the Unix epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn secs(self) -> i64 {
        self.0
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        SystemClock.now()
    }

    /// Whether this time can be written into a key (`0..=MAX_TIME`).
    pub const fn is_encodable(self) -> bool {
        self.0 >= 0 && self.0 <= MAX_TIME
    }

    /// This time plus `secs` seconds, or `None` past the range a key can hold.
    pub fn checked_add_secs(self, secs: u64) -> Option<Self> {
        let secs = i64::try_from(secs).ok()?;
        let sum = self.0.checked_add(secs)?;
        Self(sum).is_encodable().then_some(Self(sum))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A source of the current time. Verifiers and issuers read time only through one.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> UnixTime;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        UnixTime(secs)
    }
}

/// A clock that always reads the same time, for tests and replays.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub UnixTime);

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.0
    }
}
