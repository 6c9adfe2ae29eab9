//! `data_url` downloads: private addresses refused by default, size cap, content type.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atsbridge_server::data_url::{DataUrlError, DataUrlFetcher, DataUrlPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn policy(allow_private: bool, max_bytes: usize) -> DataUrlPolicy {
    DataUrlPolicy {
        allow_private_addresses: allow_private,
        max_bytes,
        timeout: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn refuses_loopback_by_literal_and_by_name_without_connecting() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("secret"))
        .expect(0)
        .mount(&server)
        .await;
    let fetcher = DataUrlFetcher::new(policy(false, 1024)).unwrap();

    let literal = format!("{}/cv.pdf", server.uri());
    assert!(matches!(
        fetcher.fetch(&literal).await,
        Err(DataUrlError::AddressNotAllowed(_))
    ));

    let port = server.address().port();
    let by_name = format!("http://localhost:{port}/cv.pdf");
    assert!(matches!(
        fetcher.fetch(&by_name).await,
        Err(DataUrlError::AddressNotAllowed(_))
    ));

    for other in [
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[fd00::1]/x",
    ] {
        assert!(
            matches!(
                fetcher.fetch(other).await,
                Err(DataUrlError::AddressNotAllowed(_))
            ),
            "{other}"
        );
    }
    assert!(matches!(
        fetcher.fetch("file:///etc/passwd").await,
        Err(DataUrlError::SchemeNotAllowed(_))
    ));
    assert!(matches!(
        fetcher.fetch("not a url").await,
        Err(DataUrlError::InvalidUrl)
    ));
}

#[tokio::test]
async fn downloads_when_private_addresses_are_allowed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cv.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            b"%PDF-1.4 hello".to_vec(),
            "application/pdf; charset=binary",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let fetcher = DataUrlFetcher::new(policy(true, 1024)).unwrap();
    let file = fetcher
        .fetch(&format!("{}/cv.pdf", server.uri()))
        .await
        .unwrap();
    assert_eq!(&file.bytes[..], b"%PDF-1.4 hello");
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
}

#[tokio::test]
async fn enforces_size_cap_and_status() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
        .mount(&server)
        .await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let fetcher = DataUrlFetcher::new(policy(true, 1024)).unwrap();
    assert!(matches!(
        fetcher.fetch(&format!("{}/big", server.uri())).await,
        Err(DataUrlError::TooLarge(1024))
    ));
    assert!(matches!(
        fetcher.fetch(&format!("{}/gone", server.uri())).await,
        Err(DataUrlError::Status(404))
    ));
}

#[tokio::test]
async fn stops_redirect_loops() {
    let server = MockServer::start().await;
    let target = format!("{}/loop", server.uri());
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    let fetcher = DataUrlFetcher::new(policy(true, 1024)).unwrap();
    assert!(matches!(
        fetcher.fetch(&target).await,
        Err(DataUrlError::TooManyRedirects)
    ));
}
