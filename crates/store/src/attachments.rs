//! Files on a case: the rows that describe them. The bytes are in the
//! object store, named by the SHA-256 of what was stored; see the
//! `attachments` migration for why two rows may share an object and how an
//! object nobody names goes away.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{attachments, organizations, referral_messages};
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

/// One file on a case, with its organization's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AttachmentRow {
    /// Stable identifier.
    pub id: String,
    /// The referral it belongs to.
    pub referral_id: String,
    /// The case-thread message it went with.
    pub message_id: Option<String>,
    /// The consult it belongs to.
    pub consult_id: Option<String>,
    /// The organization the uploader acted for.
    pub organization_id: String,
    /// Its name.
    pub organization_name: String,
    /// Who attached it.
    pub uploaded_by: String,
    /// Their user id (none for an API key).
    pub uploaded_by_user_id: Option<String>,
    /// What it shows.
    pub caption: Option<String>,
    /// The name it downloads under.
    pub file_name: String,
    /// Its type (`image/png`).
    pub media_type: String,
    /// How it is shown (`image`, `pdf`, `video`).
    pub kind: String,
    /// Bytes stored.
    pub size: i64,
    /// The stored object's SHA-256, in hex.
    pub sha256: String,
    /// An image's width.
    pub width: Option<i32>,
    /// An image's height.
    pub height: Option<i32>,
    /// The thumbnail object's SHA-256.
    pub thumbnail_sha256: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// What a new row holds.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    /// The referral.
    pub referral_id: &'a str,
    /// A message of its case thread.
    pub message_id: Option<&'a str>,
    /// A consult of it.
    pub consult_id: Option<&'a str>,
    /// The organization the uploader acts for.
    pub organization_id: &'a str,
    /// Who.
    pub uploaded_by: &'a str,
    /// Their user id.
    pub uploaded_by_user_id: Option<&'a str>,
    /// What it shows.
    pub caption: Option<&'a str>,
    /// The name it downloads under.
    pub file_name: &'a str,
    /// Its type.
    pub media_type: &'a str,
    /// How it is shown.
    pub kind: &'a str,
    /// Bytes stored.
    pub size: i64,
    /// The stored object's SHA-256.
    pub sha256: &'a str,
    /// An image's size in pixels.
    pub dimensions: Option<(i32, i32)>,
    /// The thumbnail object's SHA-256.
    pub thumbnail_sha256: Option<&'a str>,
}

type Columns = (
    attachments::id,
    attachments::referral_id,
    attachments::message_id,
    attachments::consult_id,
    attachments::organization_id,
    organizations::name,
    attachments::uploaded_by,
    attachments::uploaded_by_user_id,
    attachments::caption,
    attachments::file_name,
    attachments::media_type,
    attachments::kind,
    attachments::size,
    attachments::sha256,
    attachments::width,
    attachments::height,
    attachments::thumbnail_sha256,
    attachments::created_at,
);

const COLUMNS: Columns = (
    attachments::id,
    attachments::referral_id,
    attachments::message_id,
    attachments::consult_id,
    attachments::organization_id,
    organizations::name,
    attachments::uploaded_by,
    attachments::uploaded_by_user_id,
    attachments::caption,
    attachments::file_name,
    attachments::media_type,
    attachments::kind,
    attachments::size,
    attachments::sha256,
    attachments::width,
    attachments::height,
    attachments::thumbnail_sha256,
    attachments::created_at,
);

/// Records a file whose object is already stored.
pub fn insert(connection: &mut DbConnection, new: &NewAttachment) -> StoreResult<AttachmentRow> {
    let id = new_id();
    diesel::insert_into(attachments::table)
        .values((
            attachments::id.eq(&id),
            attachments::referral_id.eq(new.referral_id),
            attachments::message_id.eq(new.message_id),
            attachments::consult_id.eq(new.consult_id),
            attachments::organization_id.eq(new.organization_id),
            attachments::uploaded_by.eq(new.uploaded_by),
            attachments::uploaded_by_user_id.eq(new.uploaded_by_user_id),
            attachments::caption.eq(new.caption),
            attachments::file_name.eq(new.file_name),
            attachments::media_type.eq(new.media_type),
            attachments::kind.eq(new.kind),
            attachments::size.eq(new.size),
            attachments::sha256.eq(new.sha256),
            attachments::width.eq(new.dimensions.map(|(width, _)| width)),
            attachments::height.eq(new.dimensions.map(|(_, height)| height)),
            attachments::thumbnail_sha256.eq(new.thumbnail_sha256),
            attachments::created_at.eq(now()),
        ))
        .execute(connection)?;
    one(connection, &id)
}

/// One file (`NotFound` when there is none).
pub fn one(connection: &mut DbConnection, id: &str) -> StoreResult<AttachmentRow> {
    attachments::table
        .inner_join(organizations::table)
        .filter(attachments::id.eq(id))
        .select(COLUMNS)
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Every file of a referral (its messages' and consults' too), oldest first.
pub fn of_referral(
    connection: &mut DbConnection,
    referral_id: &str,
) -> StoreResult<Vec<AttachmentRow>> {
    Ok(listed()
        .filter(attachments::referral_id.eq(referral_id))
        .load(connection)?)
}

/// A consult's files, oldest first.
pub fn of_consult(
    connection: &mut DbConnection,
    consult_id: &str,
) -> StoreResult<Vec<AttachmentRow>> {
    Ok(listed()
        .filter(attachments::consult_id.eq(consult_id))
        .load(connection)?)
}

/// The query of every file with its organization's name, oldest first.
type Listed = diesel::dsl::Select<
    diesel::dsl::Order<
        diesel::dsl::InnerJoin<attachments::table, organizations::table>,
        (
            diesel::dsl::Asc<attachments::created_at>,
            diesel::dsl::Asc<attachments::id>,
        ),
    >,
    Columns,
>;

/// Files with their organization's name, oldest first.
fn listed() -> Listed {
    attachments::table
        .inner_join(organizations::table)
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select(COLUMNS)
}

/// Removes a file's row (its object goes with the next sweep once no row
/// names it). `NotFound` when there is none.
pub fn remove(connection: &mut DbConnection, id: &str) -> StoreResult<()> {
    let removed =
        diesel::delete(attachments::table.filter(attachments::id.eq(id))).execute(connection)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Which of `digests` some row names, as its file or its thumbnail.
pub fn named(connection: &mut DbConnection, digests: &[String]) -> StoreResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in digests.chunks(500) {
        let files: Vec<String> = attachments::table
            .filter(attachments::sha256.eq_any(chunk))
            .select(attachments::sha256)
            .load(connection)?;
        let thumbnails: Vec<Option<String>> = attachments::table
            .filter(attachments::thumbnail_sha256.eq_any(chunk))
            .select(attachments::thumbnail_sha256)
            .load(connection)?;
        found.extend(files);
        found.extend(thumbnails.into_iter().flatten());
    }
    Ok(found)
}

/// The referral and the organization of the case-thread message `id`
/// (`NotFound` when there is none).
pub fn message_parent(connection: &mut DbConnection, id: &str) -> StoreResult<(String, String)> {
    referral_messages::table
        .filter(referral_messages::id.eq(id))
        .select((
            referral_messages::referral_id,
            referral_messages::organization_id,
        ))
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}
