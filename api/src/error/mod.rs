//! Errors: one shape, RFC 9457 problem details, for every failure.
//!
//! Policy: a handler returns [`ApiError`]; every variant is a client mistake
//! with a stable `code` and a 4xx status, except `Unavailable` (503, the
//! database cannot serve in time), `StorageReadOnly` (503, its storage refuses
//! writes), `InsufficientStorage` (507, its disk is full) and `Internal` (500,
//! a fault of ours, logged with its cause and shown without it). Store errors are mapped in one place
//! ([`From<StoreError>`]). Any other error answer — actix's own 404 for an
//! unknown route, 405, a refused path parameter — is rewritten into problem
//! details by [`normalize`], which also stamps the request id on every problem.

use std::collections::BTreeMap;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use tracing_actix_web::RequestId;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use warren_store::StoreError;
use warren_store::places::LoadError;
use warren_wire::{ErrorCode, FieldError, Problem};

mod rules;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON, a query parameter or header is malformed.
    #[error("{detail}")]
    BadRequest {
        /// Stable code.
        code: ErrorCode,
        /// For people.
        detail: String,
    },
    /// 400: a query filter cannot be used; names the filter.
    #[error("invalid filter {}", .0.field)]
    InvalidFilter(FieldError),
    /// 422: the body is JSON but some fields are wrong.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 401: no credentials, or credentials that do not hold.
    #[error("{detail}")]
    Unauthorized {
        /// Stable code.
        code: ErrorCode,
        /// For people.
        detail: String,
    },
    /// 403: known caller, not allowed (only where the object is theirs to know about).
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such object, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// 409: the request conflicts with the current state.
    #[error("{detail}")]
    Conflict {
        /// Stable code.
        code: ErrorCode,
        /// For people.
        detail: String,
    },
    /// 409 `reservation_conflict`: the time asked for is booked; the
    /// problem names the next free slot of the same length, when there is one.
    #[error("{detail}")]
    ReservationConflict {
        /// For people.
        detail: String,
        /// The next free slot, for programs.
        next_free_slot: Option<warren_domain::lending::LoanWindow>,
    },
    /// 412: the object changed since the caller read it.
    #[error("stale version")]
    Stale,
    /// 428: a change was sent without `If-Match`.
    #[error("If-Match required")]
    PreconditionRequired,
    /// 413: the body is larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// 415: the body is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 429: too many attempts.
    #[error("rate limited")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 503: the database cannot serve the request in time.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 503: the database's storage refuses writes (read-only or failing);
    /// reads may still work.
    #[error("storage read-only: {0}")]
    StorageReadOnly(String),
    /// 507: the database's disk is full; nothing was saved.
    #[error("insufficient storage: {0}")]
    InsufficientStorage(String),
    /// 500: a fault of ours; the cause is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 with a stable code.
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    /// A 409 with a stable code.
    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// A 500 for a stored value Warren cannot read back (`what` names it).
    pub fn corrupt(what: &str) -> Self {
        Self::Internal(format!("corrupt stored {what}"))
    }

    /// A 400 `invalid_filter` naming the query parameter `field`.
    pub fn invalid_filter(field: &str, message: &str) -> Self {
        Self::InvalidFilter(FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        })
    }

    /// A rule's error message as a sentence for people: capitalized, with a
    /// full stop.
    pub fn sentence(error: &impl std::fmt::Display) -> String {
        let text = error.to_string();
        let mut chars = text.chars();
        let capitalized: String = chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        if capitalized.ends_with('.') {
            capitalized
        } else {
            format!("{capitalized}.")
        }
    }

    /// A 422 naming one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The problem details for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        match self {
            Self::BadRequest { code, detail } => {
                Problem::new(status, *code, "Bad request").with_detail(detail)
            }
            Self::InvalidFilter(error) => Problem {
                errors: vec![error.clone()],
                ..Problem::new(status, ErrorCode::InvalidFilter, "Invalid filter")
                    .with_detail(format!("The filter `{}` {}.", error.field, error.message))
            },
            Self::Validation(errors) => Problem {
                errors: errors.clone(),
                ..Problem::new(status, ErrorCode::ValidationFailed, "Validation failed")
                    .with_detail("Some fields are not valid.")
            },
            Self::Unauthorized { code, detail } => {
                Problem::new(status, *code, "Unauthorized").with_detail(detail)
            }
            Self::Forbidden(detail) => {
                Problem::new(status, ErrorCode::Forbidden, "Forbidden").with_detail(detail)
            }
            Self::NotFound => Problem::new(status, ErrorCode::NotFound, "Not found")
                .with_detail("There is no such resource, or it is not yours to see."),
            Self::Conflict { code, detail } => {
                Problem::new(status, *code, "Conflict").with_detail(detail)
            }
            Self::ReservationConflict {
                detail,
                next_free_slot,
            } => Problem {
                next_free_slot: next_free_slot.map(Box::new),
                ..Problem::new(status, ErrorCode::ReservationConflict, "Conflict")
                    .with_detail(detail)
            },
            Self::Stale => Problem::new(
                status,
                ErrorCode::PreconditionFailed,
                "Precondition failed",
            )
            .with_detail(
                "It was changed by someone else since you read it; read it again and retry.",
            ),
            Self::PreconditionRequired => Problem::new(
                status,
                ErrorCode::PreconditionRequired,
                "Precondition required",
            )
            .with_detail("Send the ETag you read as If-Match to change this resource."),
            Self::PayloadTooLarge(limit) => {
                Problem::new(status, ErrorCode::PayloadTooLarge, "Payload too large")
                    .with_detail(format!("The body must be at most {limit} bytes."))
            }
            Self::UnsupportedMediaType => Problem::new(
                status,
                ErrorCode::UnsupportedMediaType,
                "Unsupported media type",
            )
            .with_detail("Send the body as application/json."),
            Self::RateLimited { retry_after } => {
                Problem::new(status, ErrorCode::RateLimited, "Too many requests")
                    .with_detail(format!("Too many attempts; try again in {retry_after} s."))
            }
            Self::Unavailable(_) => {
                Problem::new(status, ErrorCode::ServiceUnavailable, "Service unavailable")
                    .with_detail("The database is not answering in time; try again shortly.")
            }
            Self::StorageReadOnly(_) => {
                Problem::new(status, ErrorCode::StorageReadOnly, "Service unavailable").with_detail(
                    "The database's storage refuses writes just now; nothing was saved. \
                     Reading still works; try again later.",
                )
            }
            Self::InsufficientStorage(_) => Problem::new(
                status,
                ErrorCode::InsufficientStorage,
                "Insufficient storage",
            )
            .with_detail(
                "The database's disk is full; nothing was saved. Try again once an \
                     operator has freed space.",
            ),
            Self::Internal(_) => Problem::new(status, ErrorCode::InternalError, "Internal error")
                .with_detail("Something went wrong on our side; it has been logged."),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } | Self::InvalidFilter(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::ReservationConflict { .. } => StatusCode::CONFLICT,
            Self::Stale => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::StorageReadOnly(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            Self::StorageReadOnly(cause) => tracing::error!(%cause, "database storage read-only"),
            Self::InsufficientStorage(cause) => tracing::error!(%cause, "database disk full"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"warren\""));
            }
            Self::RateLimited { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "2"));
            }
            Self::StorageReadOnly(_) => {
                response.insert_header((header::RETRY_AFTER, "30"));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Stale => Self::Stale,
            StoreError::Conflict(what) => {
                Self::conflict(ErrorCode::Conflict, format!("Already exists ({what})."))
            }
            StoreError::Overlap(_) => Self::conflict(
                ErrorCode::ReservationOverlap,
                "The item is already reserved for overlapping time.",
            ),
            StoreError::Contention(_) => Self::conflict(
                ErrorCode::ConcurrentChange,
                "A concurrent change got in the way and nothing was saved; send the request again.",
            ),
            StoreError::Unavailable(reason) => Self::Unavailable(reason),
            StoreError::StorageFull(reason) => Self::InsufficientStorage(reason),
            StoreError::StorageReadOnly(reason) => Self::StorageReadOnly(reason),
            StoreError::Database(error) => Self::Internal(error.to_string()),
            StoreError::Corrupt(what) => Self::Internal(what),
        }
    }
}

impl From<warren_store::DieselError> for ApiError {
    fn from(error: warren_store::DieselError) -> Self {
        StoreError::from_diesel(error).into()
    }
}

impl From<LoadError> for ApiError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Unreadable(_) => {
                Self::bad_request(ErrorCode::UnreadableBody, error.to_string())
            }
            LoadError::UnknownFormat { .. } => Self::invalid_field("format", error.to_string()),
            LoadError::BadRows { rows, count } => {
                let mut errors: Vec<FieldError> = rows
                    .into_iter()
                    .map(|row| FieldError {
                        field: format!("line {}", row.line),
                        message: row.message,
                    })
                    .collect();
                if count > errors.len() {
                    errors.push(FieldError {
                        field: "file".into(),
                        message: format!("{} more lines cannot be read", count - errors.len()),
                    });
                }
                Self::Validation(errors)
            }
            LoadError::Empty => Self::invalid_field("file", "has no rows"),
            LoadError::Store(error) => error.into(),
        }
    }
}

impl From<warren_store::credentials::PasswordHashError> for ApiError {
    fn from(error: warren_store::credentials::PasswordHashError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// Rewrites every error answer into problem details with the request id.
///
/// Installed with `ErrorHandlers::new().default_handler(normalize)`.
pub fn normalize<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = response.status();
    let request_id = response
        .request()
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string);
    let mut problem = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        Some(error) => error.problem(),
        None => generic_problem(status, response.response().error().map(ToString::to_string)),
    };
    problem.request_id = request_id;
    let (request, old) = response.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let new = new
        .content_type(PROBLEM_JSON)
        .body(serde_json::to_string(&problem).unwrap_or_default());
    let response: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(request, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

/// Problem details for an error answer that did not come from [`ApiError`].
fn generic_problem(status: StatusCode, cause: Option<String>) -> Problem {
    let title = status.canonical_reason().unwrap_or("Error");
    let (code, detail) = match status.as_u16() {
        404 => (
            ErrorCode::NotFound,
            "There is no such resource, or it is not yours to see.".to_owned(),
        ),
        405 => (
            ErrorCode::MethodNotAllowed,
            "This resource does not accept that method.".to_owned(),
        ),
        413 => (
            ErrorCode::PayloadTooLarge,
            "The body is too large.".to_owned(),
        ),
        400..=499 => (
            ErrorCode::BadRequest,
            cause.unwrap_or_else(|| title.to_owned()),
        ),
        _ => {
            if let Some(cause) = cause {
                tracing::error!(%cause, "internal error");
            }
            (
                ErrorCode::InternalError,
                "Something went wrong on our side; it has been logged.".to_owned(),
            )
        }
    };
    Problem::new(status.as_u16(), code, title).with_detail(detail)
}

/// OpenAPI responses for the problems an operation can answer.
///
/// Used in `#[utoipa::path(responses(…))]` lists as e.g. `Problems<401, 404>`
/// is not expressible, so each set is its own type, declared by
/// [`problem_responses!`].
pub fn problem_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// Declares a type listing problem answers for the OpenAPI document.
macro_rules! problem_responses {
    ($(#[$meta:meta])* $name:ident { $($status:literal => $description:literal),+ $(,)? }) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([
                    $(($status.to_string(), problem_response($description))),+
                ])
            }
        }
    };
}

problem_responses!(
    /// Errors any authenticated operation can answer.
    AuthProblems {
        "401" => "Missing, expired or invalid credentials.",
        "503" => "The database is not answering in time.",
    }
);

problem_responses!(
    /// Errors of an operation reserved to some callers.
    RoleProblems {
        "401" => "Missing, expired or invalid credentials.",
        "403" => "The caller may not do this.",
        "503" => "The database is not answering in time.",
    }
);

problem_responses!(
    /// Errors of an operation on one object of an organization.
    ObjectProblems {
        "401" => "Missing, expired or invalid credentials.",
        "403" => "The caller may see the object but not do this.",
        "404" => "No such object, or not one the caller may see.",
        "503" => "The database is not answering in time.",
    }
);

problem_responses!(
    /// Errors of an operation with a JSON body.
    BodyProblems {
        "400" => "The body is not valid JSON.",
        "413" => "The body is too large.",
        "415" => "The body is not application/json.",
        "422" => "Some fields are not valid; `errors` names them.",
    }
);

problem_responses!(
    /// Errors of a change guarded by `If-Match`.
    VersionProblems {
        "409" => "The change conflicts with the object's state.",
        "412" => "The object changed since it was read.",
        "428" => "`If-Match` is missing.",
    }
);

problem_responses!(
    /// Errors of a public operation.
    PublicProblems {
        "429" => "Too many attempts; see `Retry-After`.",
        "503" => "The database is not answering in time.",
    }
);
