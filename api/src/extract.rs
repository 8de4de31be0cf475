//! Request extractors that refuse bad input with problem details.
//!
//! [`ValidJson`] reads a JSON body with a size limit and reports exactly what
//! is wrong: not JSON → 400, wrong media type → 415, too large → 413, and a
//! field of the wrong type, an unknown field or a value that fails validation
//! → 422 naming the field. [`IfMatch`] and [`IdempotencyKey`] read the headers
//! that keep changes from being lost or doubled.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use warren_wire::FieldError;

use crate::error::ApiError;
use warren_wire::ErrorCode;

/// The largest JSON body accepted, in bytes.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON body, parsed and validated, with a digest of its bytes.
#[derive(Debug)]
pub struct ValidJson<T> {
    /// The parsed body.
    pub value: T,
    digest: String,
}

impl<T> ValidJson<T> {
    /// A digest of the method, path and body, to recognise a repeated request.
    pub fn fingerprint(&self) -> &str {
        &self.digest
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|media| {
                let media = media.trim().to_ascii_lowercase();
                media == "application/json"
                    || (media.starts_with("application/") && media.ends_with("+json"))
            })
            .unwrap_or(false);
        let declared_length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let route = format!("{} {}", request.method(), request.path());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared_length.is_some_and(|length| length > MAX_JSON_BODY) {
                return Err(ApiError::PayloadTooLarge(MAX_JSON_BODY));
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|error| {
                    ApiError::bad_request(ErrorCode::UnreadableBody, error.to_string())
                })?;
                if body.len() + chunk.len() > MAX_JSON_BODY {
                    return Err(ApiError::PayloadTooLarge(MAX_JSON_BODY));
                }
                body.extend_from_slice(&chunk);
            }
            let body: Bytes = body.freeze();
            let value = parse_json(&body)?;
            let mut digest = Sha256::new();
            digest.update(route.as_bytes());
            digest.update([0]);
            digest.update(&body);
            Ok(ValidJson {
                value,
                digest: hex(&digest.finalize()),
            })
        })
    }
}

/// The path of the first string in `value` holding a NUL character.
fn nul_field(value: &serde_json::Value, path: &str) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        serde_json::Value::String(text) => text.contains('\0').then(here),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nul_field(item, &format!("{}[{index}]", here()))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            if name.contains('\0') {
                return Some(here());
            }
            let inner = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            nul_field(item, &inner)
        }),
        _ => None,
    }
}

/// Parses a JSON body, naming the offending field on failure.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // First the syntax (400), then the shape (422, naming the field): parsing
    // straight into `T` would report some type errors as syntax errors.
    // Deeply nested input is refused by serde_json's recursion limit (128).
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| malformed(&error))?;
    // No text Warren keeps may hold a NUL character (PostgreSQL cannot).
    if let Some(field) = nul_field(&value, "") {
        return Err(ApiError::Validation(vec![FieldError {
            field,
            message: "must not contain the NUL character".into(),
        }]));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = clean_message(&error.into_inner().to_string());
        // A missing field is reported at its parent; name the field itself.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'));
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => name.to_owned(),
            (_, Some(name)) => format!("{path}.{name}"),
            (".", None) => "body".into(),
            _ => path,
        };
        let message = if missing.is_some() {
            "is required".to_owned()
        } else {
            message
        };
        ApiError::Validation(vec![FieldError { field, message }])
    })
}

fn malformed(error: &serde_json::Error) -> ApiError {
    ApiError::bad_request(
        ErrorCode::MalformedJson,
        format!("The body is not valid JSON: {error}."),
    )
}

/// serde's message without the " at line 1 column 42" tail.
fn clean_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The version a change is based on, from `If-Match: "<version>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub i64);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(match request.headers().get(header::IF_MATCH) {
            None => Err(ApiError::PreconditionRequired),
            Some(value) => value
                .to_str()
                .ok()
                .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|text| text.parse::<i64>().ok())
                .map(IfMatch)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::InvalidIfMatch,
                        "If-Match must be an ETag this server sent, like \"3\".",
                    )
                }),
        })
    }
}

/// A 200 answer carrying `value` with the `ETag` of `version`.
pub fn versioned<T: serde::Serialize>(value: &T, version: i64) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header(header::ETag(etag(version)))
        .json(value)
}

/// The `ETag` of a resource at `version`.
pub fn etag(version: i64) -> header::EntityTag {
    header::EntityTag::new_strong(version.to_string())
}

/// An optional `Idempotency-Key` header: 1–255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(match request.headers().get(warren_wire::IDEMPOTENCY_KEY) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => value
                .to_str()
                .ok()
                .filter(|key| {
                    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
                })
                .map(|key| IdempotencyKey(Some(key.to_owned())))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::InvalidIdempotencyKey,
                        "Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.",
                    )
                }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_wire::ApplyRequest;

    #[test]
    fn a_wrong_field_is_named() {
        let body = br#"{"organization":{"name":"Burrow Vets","kind":"clinic"},"admin":{"name":"A","email":"nope","password":"correct horse battery"}}"#;
        match parse_json::<ApplyRequest>(body) {
            Err(ApiError::Validation(errors)) => {
                assert_eq!(errors[0].field, "admin.email");
                assert!(
                    errors[0].message.contains("e-mail"),
                    "{}",
                    errors[0].message
                );
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<ApplyRequest>(b"{\"organization\": "),
            Err(ApiError::BadRequest {
                code: ErrorCode::MalformedJson,
                ..
            })
        ));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let body = "[".repeat(100_000);
        assert!(parse_json::<serde_json::Value>(body.as_bytes()).is_err());
    }

    #[test]
    fn trailing_garbage_is_refused() {
        assert!(parse_json::<serde_json::Value>(b"{} {}").is_err());
    }
}
