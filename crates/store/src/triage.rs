//! Triage: the network's protocol versions and recorded assessments.
//!
//! Protocols and results are stored as JSON documents: a recorded
//! assessment keeps the exact result it showed, with the protocol version it
//! used, whatever is published later. Versions are numbered by the store; two
//! admins publishing at once get one version each or a conflict, never a
//! shared number.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use warren_domain::triage::{
    Answer, Assessment, Protocol, REVISIONS, Variant, default_protocol, protocol_changes,
};

use crate::audit::Actor;
use crate::schema::{
    assessments, site_triage_variants, triage_protocol_revisions, triage_protocols,
};
use crate::{DbConnection, StoreError, StoreResult, json, new_id, now};

fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |error| StoreError::Corrupt(format!("{what}: {error}"))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = triage_protocols)]
struct ProtocolRow {
    version: i32,
    body: String,
    changes: String,
    published_at: NaiveDateTime,
    published_by: String,
}

/// A published version of the network's protocol, without its body.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    /// The version number.
    pub version: u32,
    /// When it was published.
    pub published_at: NaiveDateTime,
    /// Who published it.
    pub published_by: String,
    /// What changed against the previous version, one line per change.
    pub changes: Vec<String>,
}

/// A published version of the network's protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolRecord {
    /// The version number.
    pub version: u32,
    /// When it was published.
    pub published_at: NaiveDateTime,
    /// Who published it.
    pub published_by: String,
    /// What changed against the previous version, one line per change.
    pub changes: Vec<String>,
    /// The protocol itself, numbered as published.
    pub protocol: Protocol,
}

impl ProtocolRow {
    fn summary(&self) -> StoreResult<VersionRecord> {
        Ok(VersionRecord {
            version: u32::try_from(self.version).unwrap_or_default(),
            published_at: self.published_at,
            published_by: self.published_by.clone(),
            changes: serde_json::from_str(&self.changes).map_err(corrupt("protocol changes"))?,
        })
    }

    fn version(self) -> StoreResult<ProtocolRecord> {
        let summary = self.summary()?;
        let mut protocol: Protocol =
            serde_json::from_str(&self.body).map_err(corrupt("protocol"))?;
        protocol.version = summary.version;
        Ok(ProtocolRecord {
            version: summary.version,
            published_at: summary.published_at,
            published_by: summary.published_by,
            changes: summary.changes,
            protocol,
        })
    }
}

/// Publishes the default protocol as version 1 into an empty table, or
/// else each of Warren's protocol revisions not published yet as a new
/// version of the network's current protocol (a revision that changes
/// nothing there publishes nothing). Each revision is published once: one
/// that a network's coordinators later undo stays undone.
pub fn seed_protocol(connection: &mut DbConnection) -> StoreResult<()> {
    connection.transaction(|connection| {
        let count: i64 = triage_protocols::table.count().get_result(connection)?;
        if count == 0 {
            let protocol = default_protocol();
            diesel::insert_into(triage_protocols::table)
                .values((
                    triage_protocols::version.eq(1),
                    triage_protocols::body.eq(json(&protocol)?),
                    triage_protocols::changes.eq(json(&["First version"])?),
                    triage_protocols::published_at.eq(now()),
                    triage_protocols::published_by.eq("Warren"),
                ))
                .execute(connection)?;
        }
        let applied: Vec<String> = triage_protocol_revisions::table
            .select(triage_protocol_revisions::code)
            .load(connection)?;
        for revision in REVISIONS {
            if applied.iter().any(|code| code == revision.code) {
                continue;
            }
            // A new network's version 1 already has every revision.
            let published = if count == 0 {
                None
            } else {
                let current = current(connection)?;
                let revised = (revision.apply)(&current.protocol);
                let changes = protocol_changes(&current.protocol, &revised);
                if changes.is_empty() {
                    None
                } else {
                    let warren = Actor::system("Warren");
                    let version =
                        publish(connection, current.version, &revised, &changes, &warren)?.version;
                    crate::audit::record(
                        connection,
                        &warren,
                        crate::audit::Change {
                            action: "triage.protocol_published",
                            target_type: "triage_protocol",
                            target_id: &version.to_string(),
                            organization_id: None,
                            details: serde_json::json!({
                                "revision": revision.code,
                                "changes": changes,
                            }),
                        },
                    )?;
                    Some(version)
                }
            };
            diesel::insert_into(triage_protocol_revisions::table)
                .values((
                    triage_protocol_revisions::code.eq(revision.code),
                    triage_protocol_revisions::applied_at.eq(now()),
                    triage_protocol_revisions::protocol_version
                        .eq(published.map(|version| i32::try_from(version).unwrap_or(i32::MAX))),
                ))
                .execute(connection)?;
        }
        Ok(())
    })
}

/// The newest published version.
pub fn current(connection: &mut DbConnection) -> StoreResult<ProtocolRecord> {
    triage_protocols::table
        .order(triage_protocols::version.desc())
        .select(ProtocolRow::as_select())
        .first(connection)?
        .version()
}

/// One published version.
pub fn version(connection: &mut DbConnection, version: u32) -> StoreResult<ProtocolRecord> {
    let version = i32::try_from(version).map_err(|_| StoreError::NotFound)?;
    triage_protocols::table
        .filter(triage_protocols::version.eq(version))
        .select(ProtocolRow::as_select())
        .first(connection)?
        .version()
}

/// Every published version, newest first.
pub fn versions(connection: &mut DbConnection) -> StoreResult<Vec<VersionRecord>> {
    triage_protocols::table
        .order(triage_protocols::version.desc())
        .select(ProtocolRow::as_select())
        .load(connection)?
        .iter()
        .map(ProtocolRow::summary)
        .collect()
}

/// Publishes `protocol` as the version after `previous`; a concurrent
/// publication of the same number is a conflict.
pub fn publish(
    connection: &mut DbConnection,
    previous: u32,
    protocol: &Protocol,
    changes: &[String],
    actor: &Actor,
) -> StoreResult<ProtocolRecord> {
    let next = previous + 1;
    let mut body = protocol.clone();
    body.version = next;
    diesel::insert_into(triage_protocols::table)
        .values((
            triage_protocols::version.eq(i32::try_from(next)
                .map_err(|_| StoreError::Conflict("too many versions".into()))?),
            triage_protocols::body.eq(json(&body)?),
            triage_protocols::changes.eq(json(&changes)?),
            triage_protocols::published_at.eq(now()),
            triage_protocols::published_by.eq(&actor.label),
        ))
        .execute(connection)?;
    version(connection, next)
}

/// An assessment to record.
pub struct NewAssessment<'a, D: serde::Serialize + ?Sized> {
    /// The organization assessing.
    pub organization_id: &'a str,
    /// The species code.
    pub species: &'a str,
    /// The patient.
    pub patient: Option<&'a str>,
    /// The answers.
    pub answers: &'a BTreeMap<String, Answer>,
    /// The result.
    pub result: &'a Assessment,
    /// The recommended destinations, kept as JSON as they are shown.
    pub destinations: &'a D,
    /// The site whose variant was used.
    pub variant_site_id: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = assessments)]
struct AssessmentRow {
    id: String,
    organization_id: String,
    assessed_by: String,
    assessed_at: NaiveDateTime,
    species: String,
    patient: Option<String>,
    answers: String,
    result: String,
    destinations: String,
    variant_site_id: Option<String>,
}

/// A recorded assessment, its answers and result read.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedAssessment {
    /// Stable identifier.
    pub id: String,
    /// The organization that assessed.
    pub organization_id: String,
    /// Who assessed.
    pub assessed_by: String,
    /// When.
    pub assessed_at: NaiveDateTime,
    /// The animal's species.
    pub species: String,
    /// The patient.
    pub patient: Option<String>,
    /// The answers given.
    pub answers: BTreeMap<String, Answer>,
    /// The result, with the protocol version it used.
    pub result: Assessment,
    /// The recommended destinations, as JSON, as they were shown.
    pub destinations: String,
    /// The site whose variant was used, if it has one.
    pub variant_site_id: Option<String>,
}

impl TryFrom<AssessmentRow> for RecordedAssessment {
    type Error = StoreError;

    fn try_from(row: AssessmentRow) -> StoreResult<Self> {
        Ok(RecordedAssessment {
            answers: serde_json::from_str(&row.answers).map_err(corrupt("answers"))?,
            result: serde_json::from_str(&row.result).map_err(corrupt("result"))?,
            id: row.id,
            organization_id: row.organization_id,
            assessed_by: row.assessed_by,
            assessed_at: row.assessed_at,
            species: row.species,
            patient: row.patient,
            destinations: row.destinations,
            variant_site_id: row.variant_site_id,
        })
    }
}

/// Records an assessment and returns it.
pub fn insert_assessment<D: serde::Serialize + ?Sized>(
    connection: &mut DbConnection,
    assessment: &NewAssessment<'_, D>,
    actor: &Actor,
) -> StoreResult<RecordedAssessment> {
    let id = new_id();
    diesel::insert_into(assessments::table)
        .values((
            assessments::id.eq(&id),
            assessments::organization_id.eq(assessment.organization_id),
            assessments::assessed_by.eq(&actor.label),
            assessments::assessed_by_user_id.eq(actor.user_id.as_deref()),
            assessments::assessed_at.eq(now()),
            assessments::species.eq(assessment.species),
            assessments::patient.eq(assessment.patient),
            assessments::answers.eq(json(assessment.answers)?),
            assessments::result.eq(json(assessment.result)?),
            assessments::protocol_version
                .eq(i32::try_from(assessment.result.protocol_version).unwrap_or(i32::MAX)),
            assessments::tier.eq(i32::from(assessment.result.tier.tier.number())),
            assessments::destinations.eq(json(assessment.destinations)?),
            assessments::variant_site_id.eq(assessment.variant_site_id),
        ))
        .execute(connection)?;
    find_assessment(connection, &id)
}

/// One assessment.
pub fn find_assessment(connection: &mut DbConnection, id: &str) -> StoreResult<RecordedAssessment> {
    assessments::table
        .filter(assessments::id.eq(id))
        .select(AssessmentRow::as_select())
        .first(connection)?
        .try_into()
}

/// An organization's assessments older than `before` (all when `None`),
/// newest first.
pub fn list_assessments(
    connection: &mut DbConnection,
    organization_id: &str,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<RecordedAssessment>> {
    let mut query = assessments::table
        .filter(assessments::organization_id.eq(organization_id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(assessments::id.lt(before.to_owned()));
    }
    query
        .order(assessments::id.desc())
        .limit(limit)
        .select(AssessmentRow::as_select())
        .load(connection)?
        .into_iter()
        .map(RecordedAssessment::try_from)
        .collect()
}

/// A site's own triage interventions, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRecord {
    /// The site.
    pub site_id: String,
    /// Its interventions per sign.
    pub variant: Variant,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it.
    pub updated_by: String,
}

/// A site's variant, if it has one.
pub fn variant(connection: &mut DbConnection, site_id: &str) -> StoreResult<Option<VariantRecord>> {
    let row: Option<(String, String, NaiveDateTime, String)> = site_triage_variants::table
        .filter(site_triage_variants::site_id.eq(site_id))
        .select((
            site_triage_variants::site_id,
            site_triage_variants::body,
            site_triage_variants::updated_at,
            site_triage_variants::updated_by,
        ))
        .first(connection)
        .optional()?;
    row.map(|(site_id, body, updated_at, updated_by)| {
        Ok(VariantRecord {
            site_id,
            variant: serde_json::from_str(&body).map_err(corrupt("variant"))?,
            updated_at,
            updated_by,
        })
    })
    .transpose()
}

/// Sets a site's variant, replacing any earlier one.
pub fn put_variant(
    connection: &mut DbConnection,
    site_id: &str,
    variant: &Variant,
    actor: &Actor,
) -> StoreResult<VariantRecord> {
    diesel::delete(site_triage_variants::table.filter(site_triage_variants::site_id.eq(site_id)))
        .execute(connection)?;
    diesel::insert_into(site_triage_variants::table)
        .values((
            site_triage_variants::site_id.eq(site_id),
            site_triage_variants::body.eq(json(variant)?),
            site_triage_variants::updated_at.eq(now()),
            site_triage_variants::updated_by.eq(&actor.label),
        ))
        .execute(connection)?;
    self::variant(connection, site_id)?.ok_or(StoreError::NotFound)
}

/// Removes a site's variant; `false` when it had none.
pub fn delete_variant(connection: &mut DbConnection, site_id: &str) -> StoreResult<bool> {
    let deleted = diesel::delete(
        site_triage_variants::table.filter(site_triage_variants::site_id.eq(site_id)),
    )
    .execute(connection)?;
    Ok(deleted > 0)
}
