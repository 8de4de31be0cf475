//! Files on a case: what the server answers about a photo, radiograph,
//! document or video attached to a referral, a case-thread message or a
//! consult. The rules (which types, how large, the caption) live in
//! [`warren_domain::attachments`].
//!
//! A file is sent as `multipart/form-data` with a `file` part and an
//! optional `caption` part (and, on a referral, an optional `message_id`
//! part naming a message of its case thread); its content is read with
//! `GET /attachments/{id}/content`, its thumbnail with
//! `GET /attachments/{id}/thumbnail`, by whoever may read what it belongs to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::attachments::{AttachmentKind, Caption, MediaType};

/// One file on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Stable identifier.
    pub id: Uuid,
    /// The referral (the case) it belongs to.
    pub referral_id: Uuid,
    /// The case-thread message it was sent with, if any.
    pub message_id: Option<Uuid>,
    /// The consult it belongs to, if any: then only the consult's specialist
    /// and the referral's two organizations read it.
    pub consult_id: Option<Uuid>,
    /// How it is shown.
    pub kind: AttachmentKind,
    /// Its type, decided from its content.
    pub media_type: MediaType,
    /// The name it downloads under.
    pub file_name: String,
    /// What it shows, in the sender's words.
    pub caption: Option<String>,
    /// Its size in bytes, as stored (images after re-encoding).
    pub size: u64,
    /// An image's width in pixels.
    pub width: Option<u32>,
    /// An image's height in pixels.
    pub height: Option<u32>,
    /// Whether `GET /attachments/{id}/thumbnail` has a thumbnail (images).
    pub has_thumbnail: bool,
    /// Who attached it.
    pub uploaded_by: String,
    /// The organization they attached it for.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether the caller may remove it (who attached it, or an admin,
    /// clinician or staff member of their organization).
    pub can_remove: bool,
}

/// Files on a case, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentList {
    /// The files.
    pub items: Vec<Attachment>,
}

/// The form of an upload, for the OpenAPI document: `multipart/form-data`.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[allow(
    dead_code,
    reason = "describes the multipart form; the server reads it part by part"
)]
pub struct AttachmentUpload {
    /// The file (JPEG, PNG, WebP, PDF, MP4, QuickTime or WebM, judged by its
    /// content; at most the deployment's limit, 25 MB unless configured).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Binary))]
    pub file: Vec<u8>,
    /// What it shows (1–300 characters on one line).
    pub caption: Option<String>,
    /// On a referral: a message of its case thread written by the caller's
    /// organization that the file goes with.
    pub message_id: Option<Uuid>,
}
