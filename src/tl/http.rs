//! The HTTPS [`Fetcher`] (feature `online`): reqwest with rustls, timeouts, bounded bodies,
//! redirects kept on HTTPS, conditional requests.

use std::io::Read;
use std::time::Duration;

use super::fetch::{FetchError, FetchRequest, FetchResponse, Fetcher, MAX_DOWNLOAD};

/// Fetches over HTTPS. Plain HTTP is refused, except to loopback addresses when
/// [`HttpFetcher::allow_loopback_http`] is set (for tests against a local server).
pub struct HttpFetcher {
    client: reqwest::blocking::Client,
    loopback_http: bool,
}

fn is_loopback(url: &reqwest::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]" | "::1"))
}

fn allowed(url: &reqwest::Url, loopback_http: bool) -> bool {
    url.scheme() == "https" || (loopback_http && url.scheme() == "http" && is_loopback(url))
}

impl HttpFetcher {
    /// A fetcher with a per-request timeout (connection and whole transfer).
    pub fn new(timeout: Duration) -> Result<Self, FetchError> {
        Self::build(timeout, false)
    }

    /// The same, also allowing `http:` to loopback addresses (tests).
    pub fn allow_loopback_http(timeout: Duration) -> Result<Self, FetchError> {
        Self::build(timeout, true)
    }

    fn build(timeout: Duration, loopback_http: bool) -> Result<Self, FetchError> {
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else if allowed(attempt.url(), loopback_http) {
                attempt.follow()
            } else {
                attempt.error("redirect away from HTTPS refused")
            }
        });
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(policy)
            .user_agent(concat!("confia/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(HttpFetcher { client, loopback_http })
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, request: &FetchRequest) -> Result<FetchResponse, FetchError> {
        let url = reqwest::Url::parse(&request.url).map_err(|_| FetchError::Refused(request.url.clone()))?;
        if !allowed(&url, self.loopback_http) {
            return Err(FetchError::Refused(request.url.clone()));
        }
        let mut req = self.client.get(url);
        if let Some(e) = &request.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, e);
        }
        if let Some(m) = &request.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, m);
        }
        let resp = req.send().map_err(|e| FetchError::Network(e.to_string()))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(FetchResponse::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > MAX_DOWNLOAD) {
            return Err(FetchError::Body(format!(
                "announced {} bytes, more than {MAX_DOWNLOAD}",
                announced.unwrap_or(0)
            )));
        }
        let mut bytes = Vec::new();
        resp.take(MAX_DOWNLOAD + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FetchError::Body(format!("incomplete body: {e}")))?;
        if bytes.len() as u64 > MAX_DOWNLOAD {
            return Err(FetchError::Body(format!("more than {MAX_DOWNLOAD} bytes")));
        }
        if announced.is_some_and(|n| n != bytes.len() as u64) {
            return Err(FetchError::Body(format!("truncated: {} of {} bytes", bytes.len(), announced.unwrap_or(0))));
        }
        Ok(FetchResponse::Body { bytes, etag, last_modified })
    }
}
