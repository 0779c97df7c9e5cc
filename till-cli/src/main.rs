//! The `till` command: mint, verify, attenuate, inspect and redact scoped API keys.

mod demo;
mod output;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use till_core::{
    Attenuation, Claims, Env, Error, ErrorCode, Expiry, Issuer, KeyId, Keyring, Policy,
    PolicyDefinition, Prefix, Request, RevocationList, RootKey, SharedPolicy, Verifier,
};
use zeroize::Zeroizing;

use crate::output::Output;

/// Scoped API keys for agents and the services they call.
#[derive(Parser, Debug)]
#[command(name = "till", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a new root key.
    Init {
        /// Write the key to FILE (created with mode 0600) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Mint an API key.
    Mint(MintArgs),
    /// Verify a key and check that it grants the scopes asked for.
    ///
    /// Exits 0 when allowed, 1 when denied (code and reason on standard error), 2 on usage
    /// errors.
    Verify(VerifyArgs),
    /// Narrow a key offline, for a sub-agent. Needs no root key.
    Attenuate(AttenuateArgs),
    /// Decode a key without verifying it.
    Inspect {
        /// The key, or `-` to read it from standard input.
        key: String,
    },
    /// Mask every key found in FILE (standard input by default).
    Redact {
        /// The file to read.
        file: Option<PathBuf>,
    },
    /// Work with role policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Tell Till's story in one run: mint, verify, attenuate, revoke, change a role.
    Demo,
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Validate a policy file (TOML, or JSON when it ends in .json) and print each role's
    /// resolved scopes.
    Check {
        /// The policy file.
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
struct RootKeyArgs {
    /// Read the root key from FILE (one key per line; the first mints) instead of
    /// TILL_ROOT_KEY.
    #[arg(long, value_name = "FILE")]
    root_key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct MintArgs {
    /// A scope to grant, such as `repo/acme/*:read`. Repeat for several.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// A role to grant, resolved by the verifier's policy. Repeat for several.
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// How long the key lives, such as `30m`, `1h` or `7d`.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h")]
    ttl: Duration,
    /// Mint a key that never expires (instead of --ttl).
    #[arg(long, conflicts_with = "ttl")]
    never_expires: bool,
    /// The user or agent the key is for.
    #[arg(long)]
    subject: Option<String>,
    /// The service the key is for.
    #[arg(long)]
    audience: Option<String>,
    /// The environment.
    #[arg(long, default_value = "live")]
    env: String,
    /// The application prefix.
    #[arg(long, default_value = "till")]
    prefix: String,
    /// How many attenuation blocks the key allows (0: none).
    #[arg(long, value_name = "N")]
    max_delegation: Option<u8>,
    /// Mint on behalf of someone holding ROLE: every scope and role must lie within it.
    /// Repeat for several. Needs --policy.
    #[arg(long = "on-behalf-of", value_name = "ROLE", requires = "policy")]
    on_behalf_of: Vec<String>,
    /// Check roles against this policy file.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    #[command(flatten)]
    root: RootKeyArgs,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// The key, or `-` to read it from standard input.
    key: String,
    /// A scope the key must grant. Repeat for several; all are required unless --any.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// Allow the request when any one of the scopes is granted.
    #[arg(long)]
    any: bool,
    /// The environment to accept.
    #[arg(long, default_value = "live")]
    env: String,
    /// The audience to require.
    #[arg(long)]
    audience: Option<String>,
    /// The application prefix to accept.
    #[arg(long, default_value = "till")]
    prefix: String,
    /// Tolerate clocks that differ by this many seconds.
    #[arg(long, default_value_t = 0)]
    leeway: u32,
    /// A key or block id to treat as revoked. Repeat for several.
    #[arg(long = "revoked", value_name = "ID")]
    revoked: Vec<String>,
    /// Resolve the roles keys carry against this policy file.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    #[command(flatten)]
    root: RootKeyArgs,
}

#[derive(Args, Debug)]
struct AttenuateArgs {
    /// The key, or `-` to read it from standard input.
    key: String,
    /// Narrow to these scopes. Repeat for several.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// Shorten the lifetime to this much from now.
    #[arg(long, value_parser = humantime::parse_duration)]
    ttl: Option<Duration>,
    /// Record whom the key is handed to, such as `agent:triage-bot`.
    #[arg(long, value_name = "LABEL")]
    to: Option<String>,
    /// Bind the key to one audience.
    #[arg(long)]
    audience: Option<String>,
    /// How many further blocks the key allows (0: none).
    #[arg(long, value_name = "N")]
    max_delegation: Option<u8>,
}

/// Exit statuses.
const DENIED: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { USAGE } else { 0 });
        }
    };
    let out = Output::new(cli.json);
    let result = match cli.command {
        Command::Init { out: file } => init(&out, file),
        Command::Mint(args) => mint(&out, args),
        Command::Verify(args) => verify(&out, args),
        Command::Attenuate(args) => attenuate(&out, args),
        Command::Inspect { key } => inspect(&out, &key),
        Command::Redact { file } => redact(&out, file),
        Command::Policy(PolicyCommand::Check { file }) => policy_check(&out, &file),
        Command::Demo => demo::run(&out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.error(&failure);
            ExitCode::from(failure.status)
        }
    }
}

/// A command that did not succeed: an exit status and what to say on standard error.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: u8,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) missing: Vec<String>,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self {
            status: USAGE,
            code: "usage",
            message: message.into(),
            missing: vec![],
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        // Errors about arguments or configuration are usage errors; the rest are about the key.
        let status = match e.code() {
            ErrorCode::InvalidScope
            | ErrorCode::InvalidArgument
            | ErrorCode::InvalidRootKey
            | ErrorCode::DuplicateRootKey
            | ErrorCode::InvalidPolicy
            | ErrorCode::ExceedsRoles
            | ErrorCode::Internal => USAGE,
            _ => DENIED,
        };
        let missing = e
            .missing_scopes()
            .map(|m| m.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        Self {
            status,
            code: e.code().as_str(),
            message: e.to_string(),
            missing,
        }
    }
}

type Outcome = Result<(), Failure>;

fn init(out: &Output, file: Option<PathBuf>) -> Outcome {
    let key = RootKey::generate()?;
    let text = key.to_text();
    match file {
        Some(path) => {
            write_private(&path, &text)?;
            out.root_key_written(&key, &path);
        }
        None => out.root_key(&key, &text),
    }
    Ok(())
}

fn mint(out: &Output, args: MintArgs) -> Outcome {
    let keyring = load_keyring(&args.root)?;
    let expiry = if args.never_expires {
        Expiry::Never
    } else {
        Expiry::After(args.ttl)
    };
    let mut claims = Claims::new(&args.scopes, expiry)?.env(Env::new(&args.env)?);
    if !args.roles.is_empty() {
        claims = claims.roles(args.roles)?;
    }
    if let Some(subject) = args.subject {
        claims = claims.subject(subject);
    }
    if let Some(audience) = args.audience {
        claims = claims.audience(audience);
    }
    if let Some(n) = args.max_delegation {
        claims = claims.max_delegation(n);
    }
    if !args.on_behalf_of.is_empty() {
        claims = claims.on_behalf_of(args.on_behalf_of)?;
    }
    let mut issuer = Issuer::new(&keyring).with_prefix(Prefix::new(&args.prefix)?);
    if let Some(path) = &args.policy {
        issuer = issuer.with_policy(SharedPolicy::new(load_policy(path)?));
    }
    let key = issuer.mint(&claims)?;
    out.api_key(&key);
    Ok(())
}

fn verify(out: &Output, args: VerifyArgs) -> Outcome {
    let keyring = load_keyring(&args.root)?;
    let key = read_key(&args.key)?;
    if args.scopes.is_empty() {
        return Err(Failure::usage("name at least one --scope to check"));
    }
    let request = if args.any {
        Request::any_of(&args.scopes)?
    } else {
        Request::all_of(&args.scopes)?
    };
    let revoked = args
        .revoked
        .iter()
        .map(|id| id.parse::<KeyId>())
        .collect::<Result<RevocationList, _>>()?;
    let mut builder = Verifier::builder(&keyring)
        .env(&args.env)
        .prefix(&args.prefix)
        .leeway(args.leeway)
        .revocation(Arc::new(revoked));
    if let Some(audience) = &args.audience {
        builder = builder.audience(audience);
    }
    if let Some(path) = &args.policy {
        builder = builder.policy(SharedPolicy::new(load_policy(path)?));
    }
    let grant = builder.build()?.verify(key.as_bytes(), &request)?;
    out.grant(&grant);
    Ok(())
}

fn attenuate(out: &Output, args: AttenuateArgs) -> Outcome {
    let key = read_key(&args.key)?;
    let mut restrictions = Attenuation::new();
    if !args.scopes.is_empty() {
        restrictions = restrictions.scopes(&args.scopes)?;
    }
    if let Some(ttl) = args.ttl {
        restrictions = restrictions.ttl(ttl);
    }
    if let Some(label) = args.to {
        restrictions = restrictions.label(label);
    }
    if let Some(audience) = args.audience {
        restrictions = restrictions.audience(audience);
    }
    if let Some(n) = args.max_delegation {
        restrictions = restrictions.max_delegation(n);
    }
    out.api_key(&till_core::attenuate(&key, &restrictions)?);
    Ok(())
}

fn inspect(out: &Output, key: &str) -> Outcome {
    let key = read_key(key)?;
    out.unverified(&till_core::inspect(key.as_bytes())?);
    Ok(())
}

fn redact(out: &Output, file: Option<PathBuf>) -> Outcome {
    let text = match file {
        Some(path) => std::fs::read_to_string(&path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
            text
        }
    };
    out.redacted(&text);
    Ok(())
}

fn policy_check(out: &Output, path: &std::path::Path) -> Outcome {
    out.policy(&load_policy(path)?);
    Ok(())
}

/// Reads a policy file: JSON when its name ends in `.json`, TOML otherwise.
fn load_policy(path: &std::path::Path) -> Result<Policy, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let definition: Result<PolicyDefinition, String> =
        if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            toml::from_str(&text).map_err(|e| e.to_string())
        };
    let definition = definition.map_err(|e| Failure {
        status: USAGE,
        code: ErrorCode::InvalidPolicy.as_str(),
        message: format!("{}: {e}", path.display()),
        missing: vec![],
    })?;
    Ok(Policy::new(&definition)?)
}

/// The key argument, or standard input for `-`. Only surrounding whitespace of standard input
/// is trimmed: an argument is taken exactly as given.
fn read_key(arg: &str) -> Result<Zeroizing<String>, Failure> {
    if arg != "-" {
        return Ok(Zeroizing::new(arg.to_owned()));
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
    Ok(Zeroizing::new(text.trim().to_owned()))
}

fn load_keyring(args: &RootKeyArgs) -> Result<Keyring, Failure> {
    let text = match &args.root_key_file {
        Some(path) => Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
        ),
        None => Zeroizing::new(std::env::var("TILL_ROOT_KEY").map_err(|_| {
            Failure::usage(
                "no root key: set TILL_ROOT_KEY or pass --root-key-file (`till init` makes one)",
            )
        })?),
    };
    let keys = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(RootKey::from_text)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Keyring::new(keys)?)
}

fn write_private(path: &std::path::Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", path.display())))?;
    writeln!(file, "{text}")
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}
