//! The `till` command from a shell's point of view: outputs, exit statuses, and that
//! standard error never carries a secret.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn till(args: &[&str], root_key: Option<&Path>, stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
    cmd.args(args)
        .env_remove("TILL_ROOT_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = root_key {
        cmd.arg("--root-key-file").arg(path);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        status: status.code().unwrap(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("till-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_key_from_init_to_revocation() {
    let dir = temp_dir("story");
    let root = dir.join("root.key");
    let init = till(&["init", "--out", root.to_str().unwrap()], None, None);
    assert_eq!(init.status, 0, "{}", init.stderr);
    let root_text = std::fs::read_to_string(&root).unwrap().trim().to_owned();
    assert!(root_text.starts_with("tillroot_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&root).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let mint = till(
        &[
            "mint",
            "--scope",
            "repo/acme/*:read",
            "--subject",
            "triage-bot",
            "--ttl",
            "1h",
        ],
        Some(&root),
        None,
    );
    assert_eq!(mint.status, 0, "{}", mint.stderr);
    let key = mint.stdout.trim().to_owned();
    assert!(key.starts_with("till_live_"));

    let mut stderr = String::new();
    let allowed = till(
        &["verify", &key, "--scope", "repo/acme/api:read"],
        Some(&root),
        None,
    );
    assert_eq!(allowed.status, 0, "{}", allowed.stderr);
    assert!(allowed.stdout.contains("triage-bot"));

    let denied = till(
        &["verify", &key, "--scope", "repo/acme/api:write"],
        Some(&root),
        None,
    );
    assert_eq!(denied.status, 1);
    assert!(
        denied.stderr.contains("insufficient_scope"),
        "{}",
        denied.stderr
    );
    assert!(denied.stderr.contains("repo/acme/api:write"));
    stderr += &denied.stderr;

    let mut twin = key.clone();
    twin.pop();
    let tampered = till(
        &["verify", &twin, "--scope", "repo/acme/api:read"],
        Some(&root),
        None,
    );
    assert_eq!(tampered.status, 1);
    stderr += &tampered.stderr;

    let wrong_env = till(
        &[
            "verify",
            &key,
            "--scope",
            "repo/acme/api:read",
            "--env",
            "test",
        ],
        Some(&root),
        None,
    );
    assert_eq!(wrong_env.status, 1);
    assert!(wrong_env.stderr.contains("wrong_environment"));
    stderr += &wrong_env.stderr;

    let child = till(
        &[
            "attenuate",
            &key,
            "--scope",
            "repo/acme/docs:read",
            "--to",
            "agent:summarizer",
            "--ttl",
            "10m",
        ],
        None,
        None,
    );
    assert_eq!(child.status, 0, "{}", child.stderr);
    let child_key = child.stdout.trim().to_owned();
    let child_ok = till(
        &["verify", "-", "--scope", "repo/acme/docs:read", "--json"],
        Some(&root),
        Some(&child_key),
    );
    assert_eq!(child_ok.status, 0, "{}", child_ok.stderr);
    let grant: serde_json::Value = serde_json::from_str(&child_ok.stdout).unwrap();
    assert_eq!(grant["grant"]["chain"][0]["label"], "agent:summarizer");
    let child_no = till(
        &["verify", &child_key, "--scope", "repo/acme/api:read"],
        Some(&root),
        None,
    );
    assert_eq!(child_no.status, 1);

    let widen = till(
        &["attenuate", &child_key, "--scope", "repo/acme/*:read"],
        None,
        None,
    );
    assert_eq!(widen.status, 1);
    assert!(widen.stderr.contains("scope_not_held"));
    stderr += &widen.stderr;

    let key_id = grant["grant"]["key_id"].as_str().unwrap();
    let revoked = till(
        &[
            "verify",
            &child_key,
            "--scope",
            "repo/acme/docs:read",
            "--revoked",
            key_id,
        ],
        Some(&root),
        None,
    );
    assert_eq!(revoked.status, 1);
    assert!(revoked.stderr.contains("revoked"));
    stderr += &revoked.stderr;

    let inspect = till(&["inspect", &child_key, "--json"], None, None);
    assert_eq!(inspect.status, 0);
    let seen: serde_json::Value = serde_json::from_str(&inspect.stdout).unwrap();
    assert_eq!(seen["verified"], false);
    assert_eq!(seen["key"]["blocks"][0]["label"], "agent:summarizer");

    let redact = till(
        &["redact"],
        None,
        Some(&format!("token={key} other={child_key}\n")),
    );
    assert_eq!(redact.status, 0);
    assert!(!redact.stdout.contains(&key) && !redact.stdout.contains(&child_key));
    assert!(redact.stdout.contains(&format!("[redacted:{key_id}]")));

    for secret in [&key, &child_key, &root_text] {
        assert!(
            !stderr.contains(secret.as_str()),
            "a secret reached standard error"
        );
        assert!(
            !stderr.contains(&secret[secret.len() - 30..]),
            "part of a secret reached standard error"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp_dir("usage");
    let root = dir.join("root.key");
    assert_eq!(
        till(&["init", "--out", root.to_str().unwrap()], None, None).status,
        0
    );

    let no_root = till(&["mint", "--scope", "a:read"], None, None);
    assert_eq!(no_root.status, 2);
    assert!(no_root.stderr.contains("TILL_ROOT_KEY"));

    assert_eq!(
        till(&["mint", "--scope", "Bad:Scope"], Some(&root), None).status,
        2
    );
    assert_eq!(till(&["mint"], Some(&root), None).status, 2);
    assert_eq!(
        till(&["verify", "till_live_x"], Some(&root), None).status,
        2
    );
    assert_eq!(till(&["frobnicate"], None, None).status, 2);
    assert_eq!(
        till(
            &["mint", "--scope", "a:read", "--ttl", "soon"],
            Some(&root),
            None
        )
        .status,
        2
    );

    let bad_root = dir.join("bad.key");
    std::fs::write(&bad_root, "tillroot_nonsense\n").unwrap();
    let bad = till(&["mint", "--scope", "a:read"], Some(&bad_root), None);
    assert_eq!(bad.status, 2);
    assert!(!bad.stderr.contains("nonsense"));
}

#[test]
fn init_prints_a_root_key_and_nothing_secret_on_stderr() {
    let init = till(&["init"], None, None);
    assert_eq!(init.status, 0);
    let text = init.stdout.trim();
    assert!(text.starts_with("tillroot_") && text.len() == 62);
    assert!(!init.stderr.contains(&text[9..]));
}

#[test]
fn demo_tells_the_story() {
    let demo = till(&["demo"], None, None);
    assert_eq!(demo.status, 0, "{}", demo.stderr);
    for line in [
        "allowed",
        "insufficient_scope",
        "scope_not_held",
        "revoked",
        "agent:summarizer",
    ] {
        assert!(
            demo.stdout.contains(line),
            "missing {line}:\n{}",
            demo.stdout
        );
    }
    assert!(!demo.stdout.contains("tillroot_"));
    // The story is prose: asked for JSON, it says so rather than ignoring the flag.
    let json = till(&["demo", "--json"], None, None);
    assert_eq!(json.status, 2, "{}", json.stderr);
    assert!(json.stderr.contains("no --json form"), "{}", json.stderr);
}

/// A reader that stops reading, as `head` does, ends the output quietly; the command still
/// exits with the status its outcome gives.
#[test]
fn a_closed_pipe_ends_the_output_not_the_command() {
    let text = "a line with till_live_x in it\n".repeat(200_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("redact")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Standard output is closed before anything is read from it.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let Output { status, stderr, .. } = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8(stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");

    for args in [&["demo"][..], &["demo", "--json"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let Output { status, stderr, .. } = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        let expected = if args.len() == 1 { 0 } else { 2 };
        assert_eq!(status.code(), Some(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn roles_from_a_policy_file() {
    let dir = temp_dir("roles");
    let root = dir.join("root.key");
    assert_eq!(
        till(&["init", "--out", root.to_str().unwrap()], None, None).status,
        0
    );
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policy.toml");

    let check = till(&["policy", "check", policy, "--json"], None, None);
    assert_eq!(check.status, 0, "{}", check.stderr);
    let resolved: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let support = resolved["roles"]["support"].as_array().unwrap();
    assert!(support.iter().any(|s| s == "tickets:read"), "{support:?}");

    let cycle = dir.join("cycle.toml");
    std::fs::write(
        &cycle,
        "[roles.a]\nincludes = [\"b\"]\n[roles.b]\nincludes = [\"a\"]\n",
    )
    .unwrap();
    let bad = till(&["policy", "check", cycle.to_str().unwrap()], None, None);
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr.contains("invalid_policy") && bad.stderr.contains("a -> b -> a"),
        "{}",
        bad.stderr
    );

    let mint = till(
        &["mint", "--role", "support", "--policy", policy],
        Some(&root),
        None,
    );
    assert_eq!(mint.status, 0, "{}", mint.stderr);
    let key = mint.stdout.trim().to_owned();
    let allowed = till(
        &[
            "verify",
            &key,
            "--scope",
            "tickets:write",
            "--policy",
            policy,
        ],
        Some(&root),
        None,
    );
    assert_eq!(allowed.status, 0, "{}", allowed.stderr);
    let no_policy = till(
        &["verify", &key, "--scope", "tickets:write"],
        Some(&root),
        None,
    );
    assert_eq!(no_policy.status, 1, "roles grant nothing without a policy");

    let narrowed = dir.join("narrowed.toml");
    std::fs::write(
        &narrowed,
        std::fs::read_to_string(policy)
            .unwrap()
            .replace("\"tickets:write\", ", ""),
    )
    .unwrap();
    let lost = till(
        &[
            "verify",
            &key,
            "--scope",
            "tickets:write",
            "--policy",
            narrowed.to_str().unwrap(),
        ],
        Some(&root),
        None,
    );
    assert_eq!(lost.status, 1);
    assert!(lost.stderr.contains("insufficient_scope"));

    let beyond = till(
        &[
            "mint",
            "--scope",
            "refunds:create",
            "--on-behalf-of",
            "support",
            "--policy",
            policy,
        ],
        Some(&root),
        None,
    );
    assert_eq!(beyond.status, 2);
    assert!(
        beyond.stderr.contains("exceeds_roles") && beyond.stderr.contains("refunds:create"),
        "{}",
        beyond.stderr
    );
    let within = till(
        &[
            "mint",
            "--scope",
            "tickets:read",
            "--on-behalf-of",
            "support",
            "--policy",
            policy,
        ],
        Some(&root),
        None,
    );
    assert_eq!(within.status, 0, "{}", within.stderr);
    let unknown = till(
        &["mint", "--role", "ghost", "--policy", policy],
        Some(&root),
        None,
    );
    assert_eq!(unknown.status, 2);
}
