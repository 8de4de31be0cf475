//! A site's on-call rota: who is reachable for urgent work when. Its
//! organization's members (and network admins) read it; its admins change
//! it. Anyone else gets 404: who is on call, and when, is the
//! organization's business.

use actix_web::{HttpResponse, get, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::alerts::{ROTA_HORIZON_DAYS, Rota};
use warren_store::alerts::{self as store, Person};
use warren_store::sites::{self as site_store, SiteRecord};
use warren_store::{DbConnection, StoreError, utc};
use warren_wire::{OnCallRota, PersonRef};

use crate::alerts::{DECIDERS, place};
use crate::api::{Api, Tx};
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};

/// The site, or 404 for callers outside its organization.
fn readable_site(tx: &mut Tx, id: &str) -> Result<SiteRecord, ApiError> {
    let site = site_store::find(tx, id).map_err(|error| match error {
        StoreError::NotFound => ApiError::NotFound,
        other => other.into(),
    })?;
    tx.who.require_read(&site.organization_id.to_string())?;
    Ok(site)
}

fn person_ref(person: &Person) -> Result<PersonRef, ApiError> {
    Ok(PersonRef {
        user_id: Uuid::parse_str(&person.user_id)
            .map_err(|_| ApiError::Internal("stored user id".into()))?,
        name: person.name.clone(),
    })
}

/// The rota of `site` as stored (or empty), with who is on call now and the
/// gaps ahead; and its version.
fn rota_view(
    connection: &mut DbConnection,
    site: &SiteRecord,
) -> Result<(OnCallRota, i64), ApiError> {
    let site_id = site.id.to_string();
    let organization = site.organization_id.to_string();
    let record = store::find_rota(connection, &site_id)?;
    let rota = record
        .as_ref()
        .map(|record| record.rota())
        .transpose()?
        .unwrap_or_default();
    let (timezone, country) = place(&site.fields.timezone, &site.fields.country)?;
    let members = store::members_with_roles(connection, &organization, &DECIDERS)?;
    let named = |id: Uuid| {
        members
            .iter()
            .find(|person| person.user_id == id.to_string())
    };
    let mut people = Vec::new();
    for id in rota
        .shifts
        .iter()
        .map(|shift| shift.user_id)
        .chain(rota.overrides.iter().map(|cover| cover.user_id))
    {
        if let Some(person) = named(id)
            && !people.iter().any(|known: &PersonRef| known.user_id == id)
        {
            people.push(person_ref(person)?);
        }
    }
    let now = Utc::now();
    let on_call_now = rota
        .on_call_at(timezone, country, now)
        .into_iter()
        .filter_map(named)
        .map(person_ref)
        .collect::<Result<Vec<_>, _>>()?;
    let default_contact =
        site.fields
            .referral_email
            .as_ref()
            .map(|email| match &site.fields.referral_name {
                Some(name) => format!("{name} <{email}>"),
                None => email.clone(),
            });
    let view = OnCallRota {
        site_id: site.id,
        organization_id: site.organization_id,
        timezone: site.fields.timezone.clone(),
        gaps: rota.gaps(timezone, country, now, ROTA_HORIZON_DAYS),
        rota,
        people,
        on_call_now,
        default_contact,
        updated_at: record.as_ref().map(|record| utc(record.updated_at)),
        updated_by: record.as_ref().map(|record| record.updated_by.clone()),
    };
    Ok((view, record.map_or(0, |record| record.version)))
}

/// A site's on-call rota (its organization's members, its API keys and
/// network admins):
/// weekly shifts in `opening_hours` syntax read in the site's timezone, in
/// chain order, and one-off overrides; who an urgent alert reaches now;
/// and the times in the next fortnight with nobody on call. With the `ETag`
/// to change it (`"0"` for a site that never had a rota).
#[utoipa::path(
    operation_id = "read_on_call_rota",
    tag = "alerts",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The site.")),
    responses((status = 200, description = "The rota.", body = OnCallRota), ObjectProblems)
)]
#[get("/sites/{id}/on-call")]
pub async fn read(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let (view, version) = api
        .read(move |tx| {
            let site = readable_site(tx, &id)?;
            rota_view(tx, &site)
        })
        .await?;
    Ok(versioned(&view, version))
}

/// Replace a site's on-call rota (its organization's admins; `If-Match`).
///
/// Everyone in it must be an admin, clinician or staff member of the
/// organization; overrides must end after they start, and not in the past;
/// shifts, if any, must put someone on call in the next fortnight. A rota
/// with gaps is accepted (the answer lists them) and its admins are alerted:
/// in a gap, urgent alerts go to the site's primary referral contact and
/// the admins. Overrides that have ended are dropped.
#[utoipa::path(
    operation_id = "save_on_call_rota",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = Rota,
    params(
        ("id" = Uuid, Path, description = "The site."),
        ("If-Match" = String, Header, description = "The rota's ETag (\"0\" for the first rota)."),
    ),
    responses(
        (status = 200, description = "The rota, saved.", body = OnCallRota),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/sites/{id}/on-call")]
pub async fn save(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<Rota>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let rota = body.value;
    let (view, version) = api
        .write(move |tx| {
            let site = readable_site(tx, &id)?;
            let organization = site.organization_id.to_string();
            tx.who.require_admin(&organization)?;
            let (timezone, country) = place(&site.fields.timezone, &site.fields.country)?;
            let members = store::members_with_roles(tx, &organization, &DECIDERS)?;
            let now = Utc::now();
            rota.check(timezone, country, now, |person| {
                members
                    .iter()
                    .any(|member| member.user_id == person.to_string())
            })
            .map_err(|(field, error)| ApiError::invalid_field(&field, error.to_string()))?;
            let rota = rota.without_past_overrides(now);
            let by = &tx.who.actor.label;
            store::save_rota(tx, &id, &organization, &rota, version.0, by)?;
            let details = serde_json::json!({
                "shifts": rota.shifts.len(),
                "overrides": rota.overrides.len(),
            });
            tx.audit(
                "on_call_rota.saved",
                "site",
                &id,
                Some(&organization),
                details,
            )?;
            rota_view(tx, &site)
        })
        .await?;
    Ok(versioned(&view, version))
}
