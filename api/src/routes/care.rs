//! The patient record that travels with an animal: its details, entries,
//! care stages, rehabilitation plan and post-release monitoring, and the
//! animals an organization holds.
//!
//! **Who reads and writes.** The organizations that have held the animal —
//! the one that referred it, and each one that accepted a referral of it —
//! read its record; the one holding it now writes (its admins, clinicians
//! and staff; its volunteers read). Anyone else, network admins included,
//! gets the same 404 as for no record: a record says who had the animal,
//! which only its holders know.
//!
//! **How it travels.** A record starts when a place accepts a referral of
//! an animal that has none (or when either clinic of the referral starts one
//! by hand); a referral sent with `patient_record_id` carries the record, and
//! its acceptance hands the animal over ([`handed_over`]). The rules of
//! stages, entries, plans and release are
//! [`warren_domain::care`]'s.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use warren_domain::care::{
    self as rules, AgeClass, CareStage, EntryDetails, Identifier, MilestoneState,
    StageChange as Change,
};
use warren_domain::referral::Sex;
use warren_domain::{ErrorCode, Role};
use warren_store::care::{self as store, HolderRow, NewEntry, NewRecord, NewStage, RecordRow};
use warren_store::referrals::ReferralRow;
use warren_store::{parse_id, utc};
use warren_wire::{
    Custody, MeetRequest, NewEntryRequest, PatientEntry, PatientList, PatientRecord,
    PatientSummary, PlanCriterion, PlanMilestone, PlanRequest, RehabPlan, StageChange,
    StageRequest, UpdatePatientRequest,
};

use super::referrals::{acting_organization, load};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};

/// The most identifiers a record keeps.
const MAX_IDENTIFIERS: usize = 10;

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("a stored patient record has a bad {what}"))
}

fn stage_of(code: &str) -> Result<CareStage, ApiError> {
    CareStage::parse(code).ok_or_else(|| corrupt("stage"))
}

/// A record, who held the animal, and what the caller may do with it.
struct Reached {
    row: RecordRow,
    holders: Vec<HolderRow>,
    /// The organization holding the animal now, when the caller writes for
    /// it.
    writer: Option<String>,
}

impl Reached {
    /// The organization the caller writes for, or 403 (404 was decided
    /// already: the caller reads the record).
    fn writer(&self) -> Result<&str, ApiError> {
        self.writer.as_deref().ok_or_else(|| {
            ApiError::Forbidden(
                "Only the admins, clinicians and staff of the organization holding the animal now write to its record."
                    .into(),
            )
        })
    }
}

/// The organization holding the animal now.
fn holder_now(holders: &[HolderRow]) -> Option<&str> {
    holders
        .iter()
        .find(|holder| holder.until.is_none())
        .map(|holder| holder.organization_id.as_str())
}

/// Record `id` as the caller reaches it: 404 unless one of their
/// organizations has held the animal.
fn reach(tx: &mut Tx, id: &str) -> Result<Reached, ApiError> {
    let row = store::one(tx, id)?;
    let holders = store::holders(tx, id)?;
    let access = &tx.who.access;
    if !holders
        .iter()
        .any(|holder| access.role_in(&holder.organization_id).is_some())
    {
        return Err(ApiError::NotFound);
    }
    let writer = holder_now(&holders)
        .filter(|holder| access.can_act(&(*holder).to_owned()))
        .map(str::to_owned);
    Ok(Reached {
        row,
        holders,
        writer,
    })
}

/// Starts the record of the animal `row` refers: at intake when a place
/// takes it, with the referrer holding it until then (or still, before).
/// A weight given on the referral is its first weighing.
fn start(tx: &mut Tx, row: &ReferralRow, author: &str) -> Result<RecordRow, ApiError> {
    let patient = row.patient()?;
    let identifiers: Vec<Identifier> = patient
        .identifiers
        .iter()
        .take(MAX_IDENTIFIERS)
        .map(|value| Identifier {
            kind: rules::IdentifierKind::Other,
            value: value.clone(),
        })
        .collect();
    let identifiers = serde_json::to_string(&identifiers)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let name = patient
        .name
        .as_ref()
        .map_or_else(|| row.species.clone(), ToString::to_string);
    let holders: Vec<(&str, _, _)> = match row.accepted_at {
        Some(accepted) => vec![
            (row.referrer_org_id.as_str(), row.created_at, Some(accepted)),
            (row.receiver_org_id.as_str(), accepted, None),
        ],
        None => vec![(row.referrer_org_id.as_str(), row.created_at, None)],
    };
    let record = store::insert(
        tx,
        &NewRecord {
            species: &row.species,
            name: &name,
            sex: patient.sex.unwrap_or(Sex::Unknown).as_str(),
            age_class: AgeClass::Unknown.as_str(),
            identifiers: &identifiers,
            at: row.accepted_at.unwrap_or(row.created_at),
            holders: &holders,
            author,
        },
    )?;
    if let Some(weight) = patient.weight_grams {
        let details = serde_json::to_string(&EntryDetails::Weight { grams: weight })
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        store::add_entry(
            tx,
            &NewEntry {
                record_id: &record.id,
                organization_id: &row.referrer_org_id,
                author: &row.created_by,
                at: row.created_at,
                kind: "weight",
                details: &details,
            },
        )?;
    }
    store::attach_to_case(tx, &row.case_id, &record.id)?;
    Ok(record)
}

/// What a referral's acceptance does to the animal's record: the receiver
/// holds it now (a record that travelled with the referral), or the record
/// starts (an animal that had none).
pub fn handed_over(tx: &mut Tx, accepted: &ReferralRow) -> Result<(), ApiError> {
    let at = accepted.accepted_at.unwrap_or_else(warren_store::now);
    match &accepted.record_id {
        Some(record) => {
            store::hand_over(tx, record, &accepted.receiver_org_id, at)?;
            store::bump(tx, record, None)?;
        }
        None => {
            let author = actor_name(tx.who);
            start(tx, accepted, &author)?;
        }
    }
    Ok(())
}

/// The record a new referral carries: one the referring organization holds
/// now and whose care has not ended (422 otherwise, without saying whether
/// it exists).
pub fn carried(tx: &mut Tx, record: Uuid, referrer: &str) -> Result<String, ApiError> {
    let id = record.to_string();
    let refuse = || {
        ApiError::invalid_field(
            "patient_record_id",
            "is not the record of an animal your organization holds now",
        )
    };
    let row = match store::one(tx, &id) {
        Ok(row) => row,
        Err(warren_store::StoreError::NotFound) => return Err(refuse()),
        Err(error) => return Err(error.into()),
    };
    if holder_now(&store::holders(tx, &id)?) != Some(referrer) {
        return Err(refuse());
    }
    if stage_of(&row.stage)?.is_end() {
        return Err(ApiError::invalid_field(
            "patient_record_id",
            "is the record of an animal whose care has ended; start a new one",
        ));
    }
    Ok(id)
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|error| ApiError::Internal(error.to_string()))
}

/// Days in care: from the record's start to its end, or to now.
fn days_in_care(row: &RecordRow, stage: CareStage, now: DateTime<Utc>) -> f64 {
    let until = if stage.is_end() {
        utc(row.stage_at)
    } else {
        now
    };
    (rules::days_between(utc(row.created_at), until) * 10.0).round() / 10.0
}

/// The plan of `row`, as it stands `today`.
fn plan_view(
    tx: &mut Tx,
    row: &RecordRow,
    today: NaiveDate,
) -> Result<Option<RehabPlan>, ApiError> {
    let Some(plan) = store::find_plan(tx, &row.id)? else {
        return Ok(None);
    };
    let mut milestones = Vec::new();
    let mut criteria = Vec::new();
    for item in store::items(tx, std::slice::from_ref(&row.id))? {
        let target_day = item
            .target_day
            .map(|day| u16::try_from(day).map_err(|_| corrupt("target day")))
            .transpose()?;
        if item.kind == "milestone" {
            milestones.push(PlanMilestone {
                id: parse_id(&item.id)?,
                state: rules::milestone_state(plan.started_on, target_day, item.met_on, today),
                due_on: target_day.map(|day| rules::due_date(plan.started_on, day)),
                text: item.text,
                target_day,
                met_on: item.met_on,
                note: item.note,
                met_by: item.met_by,
            });
        } else {
            criteria.push(PlanCriterion {
                id: parse_id(&item.id)?,
                text: item.text,
                met_on: item.met_on,
                note: item.note,
                met_by: item.met_by,
            });
        }
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Some(RehabPlan {
        title: plan.title,
        started_on: plan.started_on,
        milestone_article_id: plan
            .milestone_article_id
            .as_deref()
            .map(parse_id)
            .transpose()?,
        criteria_article_id: plan
            .criteria_article_id
            .as_deref()
            .map(parse_id)
            .transpose()?,
        overdue: count(
            milestones
                .iter()
                .filter(|milestone| milestone.state == MilestoneState::Overdue)
                .count(),
        ),
        unmet_criteria: count(criteria.iter().filter(|item| item.met_on.is_none()).count()),
        milestones,
        criteria,
    }))
}

/// The record as the caller reads it.
fn view(tx: &mut Tx, reached: &Reached) -> Result<PatientRecord, ApiError> {
    let row = &reached.row;
    let now = Utc::now();
    let stage = stage_of(&row.stage)?;
    let entries = store::entries(tx, &row.id)?
        .into_iter()
        .map(|entry| {
            Ok(PatientEntry {
                id: parse_id(&entry.id)?,
                at: utc(entry.at),
                organization_name: entry.organization_name,
                author: entry.author,
                details: json("entry", &entry.details)?,
                resolved_at: entry.resolved_at.map(utc),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let stages = store::stages(tx, &row.id)?
        .into_iter()
        .map(|change| {
            Ok(StageChange {
                stage: stage_of(&change.stage)?,
                at: utc(change.at),
                organization_name: change.organization_name,
                author: change.author,
                note: change.note,
                override_reason: change.override_reason,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let referral_ids = store::referral_ids(tx, &row.id)?
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PatientRecord {
        id: parse_id(&row.id)?,
        species: row.species.clone(),
        name: row.name.clone(),
        sex: Sex::parse(&row.sex).ok_or_else(|| corrupt("sex"))?,
        age_class: AgeClass::parse(&row.age_class).ok_or_else(|| corrupt("age class"))?,
        identifiers: json("identifiers", &row.identifiers)?,
        stage,
        stage_since: utc(row.stage_at),
        days_in_care: days_in_care(row, stage, now),
        follow_up_due: row.follow_up_due,
        custody: reached
            .holders
            .iter()
            .map(|holder| {
                Ok(Custody {
                    organization_id: parse_id(&holder.organization_id)?,
                    organization_name: holder.organization_name.clone(),
                    since: utc(holder.since),
                    until: holder.until.map(utc),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?,
        writable: reached.writer.is_some(),
        referral_ids,
        entries,
        stages,
        plan: plan_view(tx, row, now.date_naive())?,
        created_at: utc(row.created_at),
        version: row.version,
    })
}

/// Reads record `id` again after a change and answers it with its ETag.
fn reread(tx: &mut Tx, id: &str) -> Result<PatientRecord, ApiError> {
    let reached = reach(tx, id)?;
    view(tx, &reached)
}

/// Runs a write on record `id` for the organization holding the animal now,
/// then answers the record.
async fn write_record<F>(api: Api, id: Uuid, work: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut Tx, &Reached, &str) -> Result<(), ApiError> + Send + 'static,
{
    let id = id.to_string();
    let record = api
        .write(move |tx| {
            let reached = reach(tx, &id)?;
            let writer = reached.writer()?.to_owned();
            work(tx, &reached, &writer)?;
            store::bump(tx, &id, None)?;
            reread(tx, &id)
        })
        .await?;
    Ok(versioned(&record, record.version))
}

/// The time an entry or stage is dated: the one given (never in the
/// future) or now.
fn dated(at: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, ApiError> {
    let now = Utc::now();
    let at = at.unwrap_or(now);
    rules::check_time(at, now)?;
    Ok(at)
}

/// Start the patient record of a referral's animal (either organization's
/// admins, clinicians and staff, for the one holding the animal: the
/// receiver once it accepted, the referrer before). Answers the record the
/// animal has when it has one already (200), else the new one (201).
/// Accepting a referral starts the record on its own; this is for cases
/// accepted before records existed, or a referrer recording from the start.
#[utoipa::path(
    operation_id = "start_patient_record",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 200, description = "The animal's record, which it had already.", body = PatientRecord),
        (status = 201, description = "The new record.", body = PatientRecord),
        ObjectProblems,
    )
)]
#[post("/referrals/{id}/record")]
pub async fn start_record(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (record, created) = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            let refuse = || {
                ApiError::Forbidden(
                    "Only the admins, clinicians and staff of the organization holding the animal start its record."
                        .into(),
                )
            };
            let access = &tx.who.access;
            if !acting_organization(&row, side).is_some_and(|org| access.can_act(&org.to_owned())) {
                return Err(refuse());
            }
            if let Some(record) = &row.record_id {
                return Ok((reread(tx, record)?, false));
            }
            let holder = match row.accepted_at {
                Some(_) => &row.receiver_org_id,
                None => &row.referrer_org_id,
            };
            if !access.can_act(holder) {
                return Err(refuse());
            }
            let author = actor_name(tx.who);
            let record = start(tx, &row, &author)?;
            tx.audit(
                "patient_record.started",
                "referral",
                &row.id,
                Some(holder),
                serde_json::json!({ "record_id": record.id }),
            )?;
            Ok((reread(tx, &record.id)?, true))
        })
        .await?;
    let mut answer = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(answer
        .insert_header(actix_web::http::header::ETag(crate::extract::etag(
            record.version,
        )))
        .json(record))
}

/// One patient record: the animal, who held it, its entries, stages and
/// plan (the organizations that have held the animal).
#[utoipa::path(
    operation_id = "read_patient_record",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The record.")),
    responses((status = 200, description = "The record, with its ETag.", body = PatientRecord), ObjectProblems)
)]
#[get("/patient-records/{id}")]
pub async fn read_record(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let record = api.read(move |tx| reread(tx, &id)).await?;
    Ok(versioned(&record, record.version))
}

/// Change the animal's details: its name, sex, age class and identifiers
/// (the holding organization's admins, clinicians and staff; `If-Match`
/// required).
#[utoipa::path(
    operation_id = "update_patient",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    request_body = UpdatePatientRequest,
    params(
        ("id" = Uuid, Path, description = "The record."),
        ("If-Match" = String, Header, description = "The record's ETag."),
    ),
    responses(
        (status = 200, description = "The record.", body = PatientRecord),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[patch("/patient-records/{id}")]
pub async fn update_patient(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdatePatientRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = body.value;
    if change
        .identifiers
        .as_ref()
        .is_some_and(|list| list.len() > MAX_IDENTIFIERS)
    {
        return Err(ApiError::invalid_field(
            "identifiers",
            format!("at most {MAX_IDENTIFIERS}"),
        ));
    }
    let id = id.into_inner().to_string();
    let record = api
        .write(move |tx| {
            let reached = reach(tx, &id)?;
            reached.writer()?;
            if !store::bump(tx, &id, Some(version.0))? {
                return Err(ApiError::Stale);
            }
            let row = &reached.row;
            let identifiers = match &change.identifiers {
                Some(list) => to_json(list)?,
                None => row.identifiers.clone(),
            };
            store::update_details(
                tx,
                &id,
                change
                    .name
                    .as_ref()
                    .map_or(row.name.as_str(), |name| name.as_str()),
                change.sex.map_or(row.sex.as_str(), |sex| sex.as_str()),
                change
                    .age_class
                    .map_or(row.age_class.as_str(), |age| age.as_str()),
                &identifiers,
            )?;
            reread(tx, &id)
        })
        .await?;
    Ok(versioned(&record, record.version))
}

/// Add an entry: a weight, a problem, a medication given (drug, dose,
/// route; its time and who gave it are the entry's), an observation, or —
/// once the animal is released — what was seen of it (sighting, recapture,
/// ring recovery, found dead), which may set the next follow-up (the
/// holding organization's admins, clinicians and staff). Honours
/// `Idempotency-Key`: a retried weighing is written once.
#[utoipa::path(
    operation_id = "add_patient_entry",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    request_body = NewEntryRequest,
    params(
        ("id" = Uuid, Path, description = "The record."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The record with the entry.", body = PatientRecord),
        (status = 409, description = "Care has ended (only monitoring after a release), or a monitoring entry before one.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/patient-records/{id}/entries")]
pub async fn add_entry(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<NewEntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let fingerprint = format!("{id}:{}", body.fingerprint());
    let request = body.value;
    let at = dated(request.at)?;
    api.create(key, fingerprint, move |tx| {
        let reached = reach(tx, &id)?;
        let writer = reached.writer()?.to_owned();
        let stage = stage_of(&reached.row.stage)?;
        rules::check_entry(&request.details, stage, at, Utc::now())?;
        let details = to_json(&request.details)?;
        let author = actor_name(tx.who);
        store::add_entry(
            tx,
            &NewEntry {
                record_id: &id,
                organization_id: &writer,
                author: &author,
                at: at.naive_utc(),
                kind: request.details.kind(),
                details: &details,
            },
        )?;
        if let EntryDetails::Monitoring { .. } = request.details {
            store::set_follow_up(tx, &id, request.follow_up_on)?;
        }
        store::bump(tx, &id, None)?;
        reread(tx, &id)
    })
    .await
}

/// Mark a problem resolved (the holding organization's admins, clinicians
/// and staff). A problem resolved already stays as it was.
#[utoipa::path(
    operation_id = "resolve_problem",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The record."),
        ("entry_id" = Uuid, Path, description = "The problem entry."),
    ),
    responses((status = 200, description = "The record.", body = PatientRecord), ObjectProblems)
)]
#[post("/patient-records/{id}/entries/{entry_id}/resolve")]
pub async fn resolve_problem(
    api: Api,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, entry) = path.into_inner();
    write_record(api, id, move |tx, reached, _| {
        store::resolve_problem(tx, &reached.row.id, &entry.to_string())?;
        Ok(())
    })
    .await
}

/// Move the animal to another care stage, or end its care (the holding
/// organization's admins, clinicians and staff). In-care stages may follow
/// in any order; an end is final. A release needs every release criterion
/// of the plan met, or a clinician's `override_reason` (409
/// `criteria_unmet` otherwise, naming them); it may set the first
/// post-release follow-up.
#[utoipa::path(
    operation_id = "change_care_stage",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    request_body = StageRequest,
    params(("id" = Uuid, Path, description = "The record.")),
    responses(
        (status = 200, description = "The record at its new stage.", body = PatientRecord),
        (status = 409, description = "Care has ended, the animal is at that stage already, or release criteria are unmet.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/patient-records/{id}/stages")]
pub async fn change_stage(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<StageRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let at = dated(request.at)?;
    write_record(api, id.into_inner(), move |tx, reached, writer| {
        let row = &reached.row;
        let unmet: Vec<String> = match store::find_plan(tx, &row.id)? {
            Some(_) => store::items(tx, std::slice::from_ref(&row.id))?
                .into_iter()
                .filter(|item| item.kind == "criterion" && item.met_on.is_none())
                .map(|item| item.text)
                .collect(),
            None => Vec::new(),
        };
        let override_reason = request
            .override_reason
            .as_ref()
            .map(|reason| reason.as_str());
        let overrides = rules::check_stage_change(Change {
            from: stage_of(&row.stage)?,
            to: request.stage,
            unmet: &unmet,
            override_reason,
            clinician: tx.who.access.role_in(&writer.to_owned()) == Some(Role::Clinician),
        })?;
        // Two people ending care at once: the second finds the version moved.
        if !store::bump(tx, &row.id, Some(row.version))? {
            return Err(ApiError::conflict(
                ErrorCode::IllegalTransition,
                "The record changed meanwhile; read it again.",
            ));
        }
        let author = actor_name(tx.who);
        store::add_stage(
            tx,
            &NewStage {
                record_id: &row.id,
                stage: request.stage.as_str(),
                at: at.naive_utc(),
                organization_id: writer,
                author: &author,
                note: request.note.as_ref().map(|note| note.as_str()),
                override_reason,
            },
        )?;
        if request.stage == CareStage::Released {
            store::set_follow_up(tx, &row.id, request.follow_up_on)?;
        }
        tx.audit(
            "patient_record.stage_changed",
            "patient_record",
            &row.id,
            Some(writer),
            serde_json::json!({
                "from": row.stage,
                "to": request.stage.as_str(),
                "overrode_criteria": overrides.then_some(unmet),
            }),
        )?;
        Ok(())
    })
    .await
}

/// Make the animal's rehabilitation plan (the holding organization's
/// admins, clinicians and staff): milestones from a library
/// rehabilitation-milestone article (each top-level list item, "by day N"
/// its target day) and release criteria from a reintroduction-criteria
/// article, plus any given here. A record has one plan (409 for a second).
#[utoipa::path(
    operation_id = "create_rehab_plan",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    request_body = PlanRequest,
    params(("id" = Uuid, Path, description = "The record.")),
    responses(
        (status = 200, description = "The record with its plan.", body = PatientRecord),
        (status = 409, description = "The record has a plan already.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/patient-records/{id}/plan")]
pub async fn create_plan(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<PlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    for milestone in &request.milestones {
        if let Some(day) = milestone.target_day {
            rules::check_target_day(day)?;
        }
    }
    write_record(api, id.into_inner(), move |tx, reached, _| {
        let mut article = |id: Option<Uuid>, kind: &str, field: &str| {
            let Some(id) = id else {
                return Ok(None);
            };
            let refuse =
                || ApiError::invalid_field(field, format!("is not a {kind} article you read"));
            let row = match warren_store::library::article(tx, &id.to_string()) {
                Ok(row) => row,
                Err(warren_store::StoreError::NotFound) => return Err(refuse()),
                Err(error) => return Err(error.into()),
            };
            if row.kind != kind || super::library::require_reader(tx.who, &row).is_err() {
                return Err(refuse());
            }
            Ok(Some(row))
        };
        let milestone_article = article(
            request.milestone_article_id,
            "rehabilitation_milestone",
            "milestone_article_id",
        )?;
        let criteria_article = article(
            request.criteria_article_id,
            "reintroduction_criteria",
            "criteria_article_id",
        )?;
        let mut items: Vec<(&str, String, Option<i32>)> = Vec::new();
        for step in milestone_article
            .iter()
            .flat_map(|row| rules::steps_from_article(&row.body_markdown))
        {
            items.push(("milestone", step.text, step.target_day.map(i32::from)));
        }
        for milestone in &request.milestones {
            items.push((
                "milestone",
                milestone.text.to_string(),
                milestone.target_day.map(i32::from),
            ));
        }
        for step in criteria_article
            .iter()
            .flat_map(|row| rules::steps_from_article(&row.body_markdown))
        {
            items.push(("criterion", step.text, None));
        }
        for criterion in &request.criteria {
            items.push(("criterion", criterion.to_string(), None));
        }
        if items.is_empty() {
            return Err(ApiError::invalid_field(
                "milestones",
                "a plan needs at least one milestone or criterion (give an article or list them)",
            ));
        }
        let title = request
            .title
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| milestone_article.as_ref().map(|row| row.title.clone()))
            .or_else(|| criteria_article.as_ref().map(|row| row.title.clone()))
            .unwrap_or_else(|| "Rehabilitation plan".to_owned());
        let items: Vec<(&str, &str, Option<i32>)> = items
            .iter()
            .map(|(kind, text, day)| (*kind, text.as_str(), *day))
            .collect();
        let created_by = actor_name(tx.who);
        store::create_plan(
            tx,
            &store::PlanRow {
                record_id: reached.row.id.clone(),
                title,
                started_on: request
                    .started_on
                    .unwrap_or_else(|| reached.row.created_at.date()),
                milestone_article_id: milestone_article.map(|row| row.id),
                criteria_article_id: criteria_article.map(|row| row.id),
                created_by,
                created_at: warren_store::now(),
            },
            &items,
        )?;
        Ok(())
    })
    .await
}

/// Tick a plan's milestone or release criterion as met, with the date and
/// a note (the holding organization's admins, clinicians and staff). One
/// ticked already stays as it was ticked.
#[utoipa::path(
    operation_id = "meet_plan_item",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    request_body = MeetRequest,
    params(
        ("id" = Uuid, Path, description = "The record."),
        ("item_id" = Uuid, Path, description = "The milestone or criterion."),
    ),
    responses((status = 200, description = "The record.", body = PatientRecord), ObjectProblems, BodyProblems)
)]
#[post("/patient-records/{id}/plan/items/{item_id}/met")]
pub async fn meet_item(
    api: Api,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<MeetRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, item) = path.into_inner();
    let request = body.value;
    let today = Utc::now().date_naive();
    let on = request.on.unwrap_or(today);
    if on > today {
        return Err(ApiError::invalid_field("on", "cannot be in the future"));
    }
    write_record(api, id, move |tx, reached, _| {
        let author = actor_name(tx.who);
        store::meet_item(
            tx,
            &reached.row.id,
            &item.to_string(),
            on,
            request.note.as_ref().map(|note| note.as_str()),
            &author,
        )?;
        Ok(())
    })
    .await
}

/// The animals an organization holds now, and those it released with a
/// follow-up still due, the longest in care first (its members).
#[utoipa::path(
    operation_id = "list_patients",
    tag = "patient-records",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "The animals.", body = PatientList), ObjectProblems)
)]
#[get("/organizations/{id}/patients")]
pub async fn list_patients(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let items = api
        .read(move |tx| {
            let rows = store::held_by(tx, &organization)?;
            let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
            let latest: HashMap<String, String> =
                store::latest_referrals(tx, &ids)?.into_iter().collect();
            let now = Utc::now();
            let mut overdue: HashMap<String, u32> = HashMap::new();
            for row in &rows {
                if let Some(plan) = store::find_plan(tx, &row.id)? {
                    let count = store::items(tx, std::slice::from_ref(&row.id))?
                        .iter()
                        .filter(|item| item.kind == "milestone")
                        .filter(|item| {
                            rules::milestone_state(
                                plan.started_on,
                                item.target_day.and_then(|day| u16::try_from(day).ok()),
                                item.met_on,
                                now.date_naive(),
                            ) == MilestoneState::Overdue
                        })
                        .count();
                    overdue.insert(row.id.clone(), u32::try_from(count).unwrap_or(u32::MAX));
                }
            }
            rows.iter()
                .map(|row| {
                    let stage = stage_of(&row.stage)?;
                    Ok(PatientSummary {
                        id: parse_id(&row.id)?,
                        name: row.name.clone(),
                        species: row.species.clone(),
                        stage,
                        stage_since: utc(row.stage_at),
                        days_in_care: days_in_care(row, stage, now),
                        overdue_milestones: overdue.get(&row.id).copied().unwrap_or(0),
                        follow_up_due: row.follow_up_due,
                        referral_id: latest.get(&row.id).map(|id| parse_id(id)).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(PatientList { items }))
}
