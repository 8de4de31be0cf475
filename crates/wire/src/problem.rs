//! RFC 9457 problem details: the one shape of every error answer.

use serde::{Deserialize, Serialize};
pub use warren_domain::ErrorCode;

/// An error answer (`application/problem+json`).
///
/// `code` is stable and meant for programs; `title` and `detail` are for
/// people. Validation failures list each offending field in `errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `urn:warren:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable snake_case code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// The request id, to quote when asking for help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The fields that failed validation, each with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `reservation_conflict`: the next free slot of the length asked
    /// for, from the start asked for (absent when none could be found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_free_slot: Option<Box<warren_domain::lending::LoanWindow>>,
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's path in the request, e.g. `admin.email` or `scopes[1]`.
    pub field: String,
    /// Why the value was refused.
    pub message: String,
}

impl Problem {
    /// A problem with the given status, code and title.
    pub fn new(status: u16, code: ErrorCode, title: impl Into<String>) -> Self {
        let code = code.as_str();
        Self {
            problem_type: format!("urn:warren:problem:{code}"),
            title: title.into(),
            status,
            detail: None,
            code: code.to_owned(),
            request_id: None,
            errors: Vec::new(),
            next_free_slot: None,
        }
    }

    /// Adds the human explanation of this occurrence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Whether this problem carries `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == code.as_str()
    }

    /// The best sentence to show a person.
    pub fn message(&self) -> String {
        let mut message = self.detail.clone().unwrap_or_else(|| self.title.clone());
        for error in &self.errors {
            message.push_str(&format!(" {}: {}.", error.field, error.message));
        }
        message
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.message())
    }
}
