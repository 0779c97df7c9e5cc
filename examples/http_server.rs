//! Serves the bearer-key example on 127.0.0.1:8080 with the root key in `TILL_ROOT_KEY`.
//!
//! ```text
//! export TILL_ROOT_KEY=$(till init)
//! cargo run -p till-examples --example http_server &
//! KEY=$(till mint --scope 'repo/acme:read' --subject me)
//! curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/repos/acme
//! ```

use till_core::{Keyring, RootKey, Verifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keyring = Keyring::single(RootKey::from_env("TILL_ROOT_KEY")?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, till_examples::router(Verifier::new(&keyring))).await?;
    Ok(())
}
