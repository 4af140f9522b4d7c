//! Abuse a real `autos serve` must survive (SQLite; these limits sit in front of the store): token
//! guessing is answered 429 with `Retry-After` — the right token included, once over the quota —
//! while other addresses' traffic goes on; a client that never finishes its headers (slowloris)
//! is cut off; connections beyond the cap are closed at once and the server keeps answering; a
//! NUL character is a 400 page, not a database error.

mod support;

use std::time::{Duration, Instant};

use support::{client, Backend, Serve, TestDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_guesses_are_refused_with_429_and_retry_after_even_with_the_right_token() {
    let db = TestDb::new(Backend::Sqlite);
    let token = db.officer("fiscal");
    let serve = Serve::start(&db, &[]).await;
    let http = client();
    let cases = format!("{}/api/v1/prazos", serve.base);
    let mut statuses = Vec::new();
    for n in 0..25 {
        let answer = http.get(&cases).bearer_auth(format!("palpite-{n}")).send().await.unwrap();
        statuses.push((answer.status().as_u16(), answer.headers().get("retry-after").cloned()));
    }
    assert!(statuses[..20].iter().all(|(s, _)| *s == 401), "the quota's guesses are 401: {statuses:?}");
    let (status, retry_after) = &statuses[20];
    assert_eq!(*status, 429, "{statuses:?}");
    let wait: u64 = retry_after.as_ref().unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");

    let right = http.get(&cases).bearer_auth(&token).send().await.unwrap();
    assert_eq!(right.status().as_u16(), 429, "over the quota, the right token tells nothing");
    let body: serde_json::Value = right.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts", "{body}");
    assert!(body["detail"].as_str().unwrap().contains("tente de novo"), "{body}");
    // The public pages (no token) are not counted.
    assert_eq!(http.get(format!("{}/operadoras", serve.base)).send().await.unwrap().status().as_u16(), 200);
    let sign_in = http
        .post(format!("{}/entrar", serve.base))
        .form(&[("token", token.as_str()), ("volta", "/prazos")])
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status().as_u16(), 429, "nor does the sign-in page tell");
    assert!(sign_in.headers().contains_key("retry-after"));
    assert!(sign_in.text().await.unwrap().contains("Tentativas demais"));

    tokio::time::sleep(Duration::from_secs(wait + 3)).await;
    let later = http.get(&cases).bearer_auth(&token).send().await.unwrap();
    assert_eq!(later.status().as_u16(), 200, "admitted again after the wait");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off_and_the_connection_cap_holds() {
    let db = TestDb::new(Backend::Sqlite);
    let serve = Serve::start(&db, &[("AUTOS_HEADER_TIMEOUT", "2"), ("AUTOS_MAX_CONNECTIONS", "8")]).await;
    let address = serve.base.trim_start_matches("http://").to_owned();

    // Slowloris: half a request line, then silence.
    let mut slow = TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /operadoras HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(15), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server closed the connection");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1500) && waited < Duration::from_secs(10), "cut off after {waited:?}");

    // Eight idle connections fill the cap; a ninth is closed at once.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(TcpStream::connect(&address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut extra = TcpStream::connect(&address).await.unwrap();
    let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), extra.read_to_end(&mut answer)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "closed without an answer: {:?}",
        String::from_utf8_lossy(&answer)
    );
    // The held connections time out as idle, their slots come back, and the server answers.
    drop(held);
    support::eventually(Duration::from_secs(15), "answers again under the cap", || async {
        client().get(format!("{}/healthz", serve.base)).send().await.is_ok_and(|r| r.status().is_success())
    })
    .await;
    assert!(serve.log_text().contains("conexões demais abertas"), "the refusal is logged");
}
