//! The bearer-key example over a real loopback connection.

use std::sync::Arc;
use std::time::Duration;

use till_core::{
    Attenuation, Claims, Expiry, Issuer, Keyring, RevocationList, RootKey, Verifier, attenuate,
};

struct Server {
    base: String,
    client: reqwest::Client,
}

impl Server {
    async fn start(verifier: Verifier) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, till_examples::router(verifier)).await });
        Self {
            base,
            client: reqwest::Client::new(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
    ) -> (u16, Option<String>, String) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, challenge, response.text().await.unwrap())
    }
}

#[tokio::test]
async fn bearer_keys_over_loopback() {
    let keyring = Keyring::single(RootKey::generate().unwrap());
    let revoked = Arc::new(RevocationList::new());
    let verifier = Verifier::builder(&keyring)
        .revocation(revoked.clone())
        .build()
        .unwrap();
    let server = Server::start(verifier).await;
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    let claims = Claims::new(["repo/acme:read"], Expiry::After(Duration::from_secs(60)))
        .unwrap()
        .subject("bot");
    let key = Issuer::new(&keyring).mint(&claims).unwrap();
    let key = key.expose_secret();

    let (status, challenge, body) = server.call(get.clone(), "/repos/acme", Some(key)).await;
    assert_eq!(
        (status, challenge, body.as_str()),
        (200, None, "acme: read by bot\n")
    );

    let (status, challenge, _) = server.call(post.clone(), "/repos/acme", Some(key)).await;
    assert_eq!(status, 403);
    let challenge = challenge.unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"repo/acme:write\""),
        "{challenge}"
    );

    let (status, challenge, _) = server.call(get.clone(), "/repos/acme", None).await;
    assert_eq!(
        (status, challenge.as_deref()),
        (401, Some("Bearer realm=\"till-example\""))
    );

    // The tampered twin of the accepted key.
    let mut tampered = key.to_owned();
    tampered.pop();
    let (status, challenge, _) = server
        .call(get.clone(), "/repos/acme", Some(&tampered))
        .await;
    assert_eq!(status, 401);
    assert!(challenge.unwrap().contains("error=\"invalid_token\""));

    let other = Claims::new(["repo/other:read"], Expiry::After(Duration::from_secs(60))).unwrap();
    let other = Issuer::new(&keyring).mint(&other).unwrap();
    let (status, _, _) = server
        .call(get.clone(), "/repos/acme", Some(other.expose_secret()))
        .await;
    assert_eq!(status, 403);

    let sub = attenuate(key, &Attenuation::new().label("agent:sub")).unwrap();
    let (status, _, _) = server
        .call(get.clone(), "/repos/acme", Some(sub.expose_secret()))
        .await;
    assert_eq!(status, 200);
    revoked.revoke(sub.key_id());
    let (status, challenge, _) = server
        .call(get.clone(), "/repos/acme", Some(sub.expose_secret()))
        .await;
    assert_eq!(status, 401);
    assert!(challenge.unwrap().contains("error_description=\"revoked\""));
}
