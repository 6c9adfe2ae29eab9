//! Request extractors whose failures render as Kombo error envelopes.
//!
//! axum's own rejections answer in plain text, which the SDKs cannot parse; these wrappers turn
//! every body, JSON and path problem into an [`ApiError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body. An empty body is read as `{}` (Kombo marks most bodies optional); the content
/// type is not enforced because some clients omit it.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::input_invalid(format!(
                    "could not read the request body: {}",
                    rejection.body_text()
                ))
            }
        })?;
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        // Every Kombo request body is a JSON object; serde would read an array into a struct
        // field by field, so `[]` must be refused before it gets there.
        if slice.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::input_invalid(
                "the request body must be a JSON object",
            ));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(slice);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if path.is_empty() || path == "." {
                ApiError::input_invalid(format!("invalid JSON body: {inner}"))
            } else {
                ApiError::input_invalid(format!("invalid JSON body at `{path}`: {inner}"))
            }
        })?;
        // One JSON value and nothing after it (whitespace aside).
        deserializer
            .end()
            .map_err(|err| ApiError::input_invalid(format!("invalid JSON body: {err}")))?;
        Ok(ApiJson(value))
    }
}

/// Path parameters.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| {
                ApiError::input_invalid(format!("invalid path: {}", rejection.body_text()))
            })
    }
}
