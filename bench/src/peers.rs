//! Tokens of other formats carrying the reference key's claims: subject `agent-7`, an
//! expiry, and the scopes `users:read users:write billing:read`; each is checked for
//! `users:read` at the reference case's time where the library lets the time be given.
//!
//! Every measured call starts from the token's text, as Till's verify does: it parses,
//! checks the signature, the expiry and the scope, and gives a yes or a no.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use biscuit_auth::builder::AuthorizerBuilder;
use biscuit_auth::macros::{authorizer, biscuit, block};
use biscuit_auth::{Biscuit, KeyPair, PublicKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use macaroon::{ByteString, Macaroon, MacaroonKey};
use serde::{Deserialize, Serialize};

use crate::vectors::SetupError;

/// The claims every peer token carries, taken from the reference case.
#[derive(Clone, Debug)]
pub struct Claims {
    /// Whom the token was issued to.
    pub subject: String,
    /// Seconds since the epoch at which the token stops being valid.
    pub expires_at: i64,
    /// What the token grants.
    pub scopes: Vec<String>,
    /// The scope each check asks for.
    pub requested: String,
    /// The time of the check, where a library lets it be given.
    pub now: i64,
}

impl Claims {
    /// The reference case's claims: those of the grant it expects.
    pub fn reference() -> Result<Self, SetupError> {
        let text = std::fs::read_to_string(crate::KEYS_JSON)?;
        let file: serde_json::Value = serde_json::from_str(&text)?;
        let case = file["cases"]
            .as_array()
            .and_then(|cases| cases.iter().find(|c| c["name"] == "reference"))
            .ok_or("keys.json has no reference case")?;
        let grant = &case["expect"]["grant"];
        let scopes = grant["scopes"]
            .as_array()
            .ok_or("reference grant has no scopes")?
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        Ok(Self {
            subject: grant["subject"].as_str().ok_or("no subject")?.to_owned(),
            expires_at: grant["expires_at"].as_i64().ok_or("no expiry")?,
            scopes,
            requested: case["request"]["scope"]
                .as_str()
                .ok_or("no scope")?
                .to_owned(),
            now: case["now"].as_i64().ok_or("no now")?,
        })
    }
}

/// A JSON Web Token signed with HS256, checked by `jsonwebtoken`.
pub struct Jwt {
    token: String,
    key: DecodingKey,
    validation: Validation,
    requested: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct JwtClaims {
    sub: String,
    exp: u64,
    scope: Vec<String>,
}

impl Jwt {
    /// Signs the claims. `jsonwebtoken` checks `exp` against the system clock only, so the
    /// token's expiry is the same distance from the real time as the key's is from the
    /// reference case's time.
    pub fn new(claims: &Claims) -> Result<Self, SetupError> {
        let secret = [0x4a; 32];
        let lifetime = u64::try_from(claims.expires_at - claims.now)?;
        let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + lifetime;
        let body = JwtClaims {
            sub: claims.subject.clone(),
            exp,
            scope: claims.scopes.clone(),
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &body,
            &EncodingKey::from_secret(&secret),
        )?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = true;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let jwt = Self {
            token,
            key: DecodingKey::from_secret(&secret),
            validation,
            requested: claims.requested.clone(),
        };
        if !jwt.verify() {
            return Err("the JWT is refused".into());
        }
        Ok(jwt)
    }

    /// Decodes and validates the token, then looks for the requested scope.
    #[inline]
    pub fn verify(&self) -> bool {
        jsonwebtoken::decode::<JwtClaims>(&self.token, &self.key, &self.validation)
            .is_ok_and(|data| data.claims.scope.contains(&self.requested))
    }

    /// The token's length in characters.
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Whether the token is empty (never).
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }
}

/// A macaroon with two first-party caveats (expiry and scopes), checked by `macaroon`.
pub struct Macaroons {
    token: String,
    key: MacaroonKey,
    verifier: macaroon::Verifier,
}

/// What the caveat checks compare against. `macaroon` takes plain function pointers, which
/// cannot capture, so the time and the requested scope are set here once.
static CONTEXT: OnceLock<(i64, String)> = OnceLock::new();

fn expiry_satisfied(predicate: &ByteString) -> bool {
    let Some((now, _)) = CONTEXT.get() else {
        return false;
    };
    std::str::from_utf8(&predicate.0)
        .ok()
        .and_then(|p| p.strip_prefix("expires < "))
        .and_then(|t| t.parse::<i64>().ok())
        .is_some_and(|expires| *now < expires)
}

fn scope_satisfied(predicate: &ByteString) -> bool {
    let Some((_, requested)) = CONTEXT.get() else {
        return false;
    };
    std::str::from_utf8(&predicate.0)
        .ok()
        .and_then(|p| p.strip_prefix("scopes = "))
        .is_some_and(|list| list.split(' ').any(|s| s == requested))
}

impl Macaroons {
    /// Mints the macaroon: identifier = subject, caveats `expires < EXP` and
    /// `scopes = ...`, serialized in the V2 binary format as base64url.
    pub fn new(claims: &Claims) -> Result<Self, SetupError> {
        macaroon::initialize().map_err(|e| format!("{e:?}"))?;
        if CONTEXT
            .get_or_init(|| (claims.now, claims.requested.clone()))
            .ne(&(claims.now, claims.requested.clone()))
        {
            return Err("macaroon context already set to other claims".into());
        }
        let key = MacaroonKey::generate(&[0x4d; 32]);
        let mut token = Macaroon::create(None, &key, claims.subject.as_str().into())
            .map_err(|e| format!("{e:?}"))?;
        token.add_first_party_caveat(format!("expires < {}", claims.expires_at).into());
        token.add_first_party_caveat(format!("scopes = {}", claims.scopes.join(" ")).into());
        let token = token
            .serialize(macaroon::Format::V2)
            .map_err(|e| format!("{e:?}"))?;
        let mut verifier = macaroon::Verifier::default();
        verifier.satisfy_general(expiry_satisfied);
        verifier.satisfy_general(scope_satisfied);
        let macaroons = Self {
            token,
            key,
            verifier,
        };
        if !macaroons.verify() {
            return Err("the macaroon is refused".into());
        }
        Ok(macaroons)
    }

    /// Deserializes the macaroon and verifies its signature chain and both caveats.
    #[inline]
    pub fn verify(&self) -> bool {
        Macaroon::deserialize(&self.token)
            .is_ok_and(|m| self.verifier.verify(&m, &self.key, Vec::new()).is_ok())
    }

    /// The token's length in characters.
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Whether the token is empty (never).
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }
}

/// A biscuit token checked by `biscuit-auth` with an authorizer that allows the requested
/// scope.
pub struct Biscuits {
    token: String,
    root: PublicKey,
    authorizer: AuthorizerBuilder,
}

impl Biscuits {
    /// The authority block holds the subject, one fact per scope and a check of the expiry;
    /// with `blocks = 2`, a second block narrows the scopes to `users:*` by a check, as a
    /// Till attenuation block does.
    pub fn new(claims: &Claims, blocks: usize) -> Result<Self, SetupError> {
        let root = KeyPair::new();
        let expires = at(claims.expires_at)?;
        let mut authority = biscuit!(
            r#"
            sub({subject});
            check if time($time), $time < {expires};
            "#,
            subject = claims.subject.as_str(),
            expires = expires,
        );
        for scope in &claims.scopes {
            authority = authority.fact(biscuit_auth::builder::fact(
                "scope",
                &[biscuit_auth::builder::string(scope)],
            ))?;
        }
        let mut token = authority.build(&root)?;
        match blocks {
            1 => {}
            2 => {
                token = token.append(block!(
                    r#"check if request($s), ["users:read", "users:write"].contains($s);"#
                ))?;
            }
            _ => return Err("1 or 2 blocks".into()),
        }
        let authorizer = authorizer!(
            r#"
            time({now});
            request({requested});
            allow if request($s), scope($s);
            "#,
            now = at(claims.now)?,
            requested = claims.requested.as_str(),
        );
        let biscuits = Self {
            token: token.to_base64()?,
            root: root.public(),
            authorizer,
        };
        if !biscuits.verify() {
            return Err("the biscuit is refused".into());
        }
        Ok(biscuits)
    }

    /// Parses the token, verifies its signatures, and runs the authorizer on it.
    #[inline]
    pub fn verify(&self) -> bool {
        Biscuit::from_base64(&self.token, self.root).is_ok_and(|token| {
            self.authorizer
                .clone()
                .build(&token)
                .is_ok_and(|mut authorizer| authorizer.authorize().is_ok())
        })
    }

    /// The token's length in characters.
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Whether the token is empty (never).
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }
}

fn at(secs: i64) -> Result<SystemTime, SetupError> {
    Ok(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs)?))
}
