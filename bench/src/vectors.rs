//! Cases of `test-vectors/keys.json`, each with the verifier, request and time it states.

use std::error::Error;
use std::sync::Arc;

use serde_json::Value;
use till_core::{
    Grant, KeyId, Keyring, Policy, Request, RevocationList, RootKey, SharedPolicy, UnixTime,
    Verifier,
};

/// Failure to read the vectors or to set a case up; the benchmarks stop on it.
pub type SetupError = Box<dyn Error + Send + Sync>;

/// One verification case, ready to run.
#[derive(Debug)]
pub struct Case {
    /// The case's name in the vectors.
    pub name: String,
    /// The key's bytes; a few cases are not UTF-8.
    pub key: Vec<u8>,
    /// The verifier the case describes.
    pub verifier: Verifier,
    /// What is asked of the key; `None` authenticates only.
    pub request: Option<Request>,
    /// The time of the check.
    pub now: UnixTime,
    /// `None` if the key is accepted, else the error code it is refused with.
    pub expect: Option<String>,
}

impl Case {
    /// Runs the verification the case describes.
    #[inline]
    pub fn verify(&self) -> Result<Grant, till_core::Error> {
        match &self.request {
            Some(request) => self.verifier.verify_at(&self.key, request, self.now),
            None => self.verifier.authenticate_at(&self.key, self.now),
        }
    }

    /// [`Case::verify`] with a one-scope request given as its text, as bindings give it
    /// (`Verifier::verify_scope_at`); any other request as in [`Case::verify`].
    #[inline]
    pub fn verify_text(&self) -> Result<Grant, till_core::Error> {
        match self.request.as_ref().map(Request::scopes) {
            Some([scope]) if !self.request.as_ref().is_some_and(Request::is_any_of) => self
                .verifier
                .verify_scope_at(&self.key, scope.as_str(), self.now),
            _ => self.verify(),
        }
    }

    /// Whether a run gives the outcome the vectors state.
    pub fn holds(&self) -> bool {
        match (self.verify(), &self.expect) {
            (Ok(_), None) => true,
            (Err(e), Some(code)) => e.code().as_str() == code,
            _ => false,
        }
    }
}

/// A case whose request cannot even be built (an `invalid_scope` request): verify is never
/// reached, so it has nothing to measure.
#[derive(Debug)]
pub struct Unrunnable {
    /// The case's name.
    pub name: String,
    /// Why it cannot run.
    pub reason: String,
}

/// Every case of the file, split into those that reach verify and those that do not.
pub fn load_all() -> Result<(Vec<Case>, Vec<Unrunnable>), SetupError> {
    let text = std::fs::read_to_string(crate::KEYS_JSON)?;
    let file: Value = serde_json::from_str(&text)?;
    let roots = file["root_keys"]
        .as_array()
        .ok_or("keys.json: no root_keys")?;
    let cases = file["cases"].as_array().ok_or("keys.json: no cases")?;

    let mut ready = Vec::new();
    let mut skipped = Vec::new();
    for case in cases {
        let name = case["name"]
            .as_str()
            .ok_or("a case without a name")?
            .to_owned();
        match build(case, roots).map_err(|e| format!("case {name}: {e}"))? {
            Ok(built) if built.holds() => ready.push(built),
            Ok(_) => return Err(format!("case {name}: outcome differs from the vectors").into()),
            Err(reason) => skipped.push(Unrunnable { name, reason }),
        }
    }
    Ok((ready, skipped))
}

/// The named case, checked against its stated outcome.
pub fn load(name: &str) -> Result<Case, SetupError> {
    let (cases, _) = load_all()?;
    cases
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("keys.json has no runnable case {name}").into())
}

/// The root key texts by id, for the floor's key.
pub fn root_key_text(id: &str) -> Result<String, SetupError> {
    let text = std::fs::read_to_string(crate::KEYS_JSON)?;
    let file: Value = serde_json::from_str(&text)?;
    let roots = file["root_keys"]
        .as_array()
        .ok_or("keys.json: no root_keys")?;
    roots
        .iter()
        .find(|r| r["id"] == id)
        .and_then(|r| r["text"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("keys.json has no root key {id}").into())
}

/// The case, or (inner error) why its request cannot be built.
fn build(case: &Value, roots: &[Value]) -> Result<Result<Case, String>, SetupError> {
    let settings = &case["verifier"];
    let mut keys = Vec::new();
    for id in settings["root_keys"]
        .as_array()
        .ok_or("no verifier.root_keys")?
    {
        let text = roots
            .iter()
            .find(|r| r["id"] == *id)
            .and_then(|r| r["text"].as_str())
            .ok_or("unknown root key id")?;
        keys.push(RootKey::from_text(text)?);
    }
    let keyring = Keyring::new(keys)?;

    let mut builder = Verifier::builder(&keyring)
        .prefix(settings["prefix"].as_str().ok_or("no prefix")?)
        .env(settings["env"].as_str().ok_or("no env")?);
    if let Some(audience) = settings["audience"].as_str() {
        builder = builder.audience(audience);
    }
    if let Some(leeway) = settings["leeway"].as_u64() {
        builder = builder.leeway(u32::try_from(leeway)?);
    }
    let revoked = settings["revoked"].as_array().ok_or("no revoked list")?;
    if !revoked.is_empty() {
        let mut ids = Vec::new();
        for id in revoked {
            ids.push(
                id.as_str()
                    .ok_or("a revoked id is not text")?
                    .parse::<KeyId>()?,
            );
        }
        builder = builder.revocation(Arc::new(ids.into_iter().collect::<RevocationList>()));
    }
    if !settings["policy"].is_null() {
        let policy: Policy = serde_json::from_value(settings["policy"].clone())?;
        builder = builder.policy(SharedPolicy::new(policy));
    }
    let verifier = builder.build()?;

    let request = match request(&case["request"]) {
        Ok(request) => request,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let key = match (case["key"].as_str(), case["key_hex"].as_str()) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(hex)) => unhex(hex).ok_or("key_hex is not hex")?,
        (None, None) => return Err("no key".into()),
    };
    let expect = case["expect"]["error"].as_str().map(str::to_owned);
    Ok(Ok(Case {
        name: case["name"].as_str().unwrap_or_default().to_owned(),
        key,
        verifier,
        request,
        now: UnixTime::from_secs(case["now"].as_i64().ok_or("no now")?),
        expect,
    }))
}

fn request(value: &Value) -> Result<Option<Request>, SetupError> {
    let list = |v: &Value| -> Result<Vec<String>, SetupError> {
        v.as_array()
            .ok_or("not a list")?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "not text".into())
            })
            .collect()
    };
    if value.is_null() {
        return Ok(None);
    }
    if let Some(scope) = value["scope"].as_str() {
        return Ok(Some(Request::scope(scope)?));
    }
    if !value["all_of"].is_null() {
        return Ok(Some(Request::all_of(list(&value["all_of"])?)?));
    }
    if !value["any_of"].is_null() {
        return Ok(Some(Request::any_of(list(&value["any_of"])?)?));
    }
    Err("unknown request form".into())
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
