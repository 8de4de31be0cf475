//! Specialists and consults: clinicians list their expertise and consult
//! availability; anyone in the network finds them by species, discipline and
//! words; either side of a referral asks one for a consult, and the specialist
//! answers or declines.
//!
//! Who may do what is the domain's ([`warren_domain::specialists`]). A
//! consult's question and answer are also written into the referral's case
//! thread and timeline in the same transaction, so both sides of the
//! referral read them where they read everything else about the case. The
//! specialist sees the case (species, priority, patient, reason, history)
//! but never the owner's or finder's contact. Every change is audited.

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, put, web};
use uuid::Uuid;
use warren_domain::MembershipStatus;
use warren_domain::Role;
use warren_domain::directory::hours::Timezone;
use warren_domain::directory::taxonomy::{TermCode, Vocabulary};
use warren_domain::referral::Party;
use warren_domain::specialists::{
    Availability, ConsultParty, ConsultStatus, Discipline, MAX_DISCIPLINES, MAX_SPECIES,
    check_transition, consults_at, may_keep_profile, may_request_consult, role_offers_consults,
};
use warren_store::referrals::{self as referral_store, ReferralRow};
use warren_store::specialists::{self as store, Closing, ConsultRow, Listed, ProfileRow, Search};
use warren_store::{DbConnection, StoreError, new_id, now, parse_id, sites, utc};
use warren_wire::{
    AnswerConsultRequest, Consult, ConsultCase, ConsultList, ConsultQuery, ConsultSlot,
    DeclineConsultRequest, RequestConsultRequest, SpecialistPage, SpecialistProfile,
    SpecialistProfileRequest, SpecialistQuery,
};

use crate::alerts::triggers::ChangedBy;
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::auth::{ActingFor, Principal};
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::referrals::side;
use crate::routes::{filters, paging};
use warren_wire::ErrorCode;

/// Whether a profile is shown to the network: its organization is vetted
/// and the person is still a clinician or an admin there.
fn listable(listed: &Listed) -> bool {
    MembershipStatus::parse(&listed.membership).is_some_and(MembershipStatus::is_active)
        && listed
            .role
            .as_deref()
            .and_then(Role::parse)
            .is_some_and(role_offers_consults)
}

fn profile_view(listed: &Listed) -> Result<SpecialistProfile, ApiError> {
    let row = &listed.row;
    let disciplines = row
        .disciplines()?
        .iter()
        .map(|code| Discipline::parse(code).ok_or_else(|| ApiError::corrupt("discipline")))
        .collect::<Result<Vec<_>, _>>()?;
    let availability: Vec<ConsultSlot> =
        serde_json::from_str(&row.availability).map_err(|_| ApiError::corrupt("availability"))?;
    let timezone = listed
        .timezone
        .as_deref()
        .and_then(|name| Timezone::parse(name).ok());
    let hours =
        Availability::check(availability.clone()).map_err(|_| ApiError::corrupt("availability"))?;
    let now = consults_at(row.accepting_consults, &hours, timezone, chrono::Utc::now());
    Ok(SpecialistProfile {
        user_id: parse_id(&row.user_id)?,
        name: listed.name.clone(),
        organization_id: parse_id(&row.organization_id)?,
        organization_name: listed.organization_name.clone(),
        species: row.species()?,
        disciplines,
        summary: row.summary.clone(),
        availability,
        accepting_consults: row.accepting_consults,
        accepting_now: now.accepting,
        accepting_until: now.until,
        next_accepting_at: now.next,
        timezone: timezone.map(|timezone| timezone.name().to_owned()),
        rotation_note: row.rotation_note.clone(),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

fn one_listed(connection: &mut DbConnection, row: ProfileRow) -> Result<Listed, ApiError> {
    store::listed(connection, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// Why outsiders do not find specialists.
const NETWORK_ONLY: &str = "Specialists are listed for members of vetted organizations.";

/// Who offers consults: an organization's clinicians and admins.
const SPECIALISTS: ActingFor = ActingFor {
    named: "Only clinicians and admins offer consults for an organization.",
    anywhere: "Only clinicians and admins offer consults.",
    several: "is required when you are a clinician or admin in more than one organization",
};

fn checked_species(vocabulary: &Vocabulary, species: &[TermCode]) -> Result<Vec<String>, ApiError> {
    let mut resolved = Vec::with_capacity(species.len());
    for code in species {
        let known = vocabulary.resolve_species(code).ok_or_else(|| {
            ApiError::invalid_field(
                "species",
                format!("{code} is not a species of the network's vocabulary"),
            )
        })?;
        resolved.push(known.to_string());
    }
    resolved.sort();
    resolved.dedup();
    if resolved.is_empty() {
        return Err(ApiError::invalid_field(
            "species",
            "must name at least one species",
        ));
    }
    if resolved.len() > MAX_SPECIES {
        return Err(ApiError::invalid_field(
            "species",
            format!("at most {MAX_SPECIES} species"),
        ));
    }
    Ok(resolved)
}

fn checked_disciplines(disciplines: &[Discipline]) -> Result<Vec<String>, ApiError> {
    let mut codes: Vec<Discipline> = disciplines.to_vec();
    codes.sort();
    codes.dedup();
    if codes.is_empty() || codes.len() > MAX_DISCIPLINES {
        return Err(ApiError::invalid_field(
            "disciplines",
            format!("must name 1 to {MAX_DISCIPLINES} disciplines"),
        ));
    }
    Ok(codes.iter().map(|code| code.as_str().to_owned()).collect())
}

fn json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|error| ApiError::Internal(error.to_string()))
}

/// The caller's specialist profile, with its `ETag`; 404 when they have
/// none yet.
#[utoipa::path(
    operation_id = "read_my_specialist_profile",
    tag = "specialists",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile.", body = SpecialistProfile),
        ObjectProblems,
    )
)]
#[get("/me/specialist-profile")]
pub async fn read_my_profile(api: Api) -> Result<HttpResponse, ApiError> {
    let user_id = api.who.person()?.id.clone();
    let profile = api
        .read(move |tx| {
            let row = store::profile(tx, &user_id)?;
            profile_view(&one_listed(tx, row)?)
        })
        .await?;
    Ok(versioned(&profile, profile.version))
}

/// Create or replace the caller's specialist profile: species (codes of the
/// directory's vocabulary), disciplines, a summary, weekly consult windows
/// and whether they accept consults now. Clinicians and admins of the named
/// organization only. Replacing needs `If-Match` (the version read; a stale
/// one answers 412); creating sends none.
#[utoipa::path(
    operation_id = "put_my_specialist_profile",
    tag = "specialists",
    security(("bearer" = [])),
    request_body = SpecialistProfileRequest,
    params(
        ("If-Match" = Option<String>, Header, description = "The profile's ETag, when one exists."),
    ),
    responses(
        (status = 200, description = "The profile as stored.", body = SpecialistProfile),
        RoleProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/me/specialist-profile")]
pub async fn put_my_profile(
    api: Api,
    request: HttpRequest,
    body: ValidJson<SpecialistProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = api.who.person()?.id.clone();
    let expected = if request.headers().contains_key(header::IF_MATCH) {
        Some(IfMatch::extract(&request).await?.0)
    } else {
        None
    };
    let body = body.value;
    let organization =
        api.who
            .organization_for(body.organization_id, may_keep_profile, &SPECIALISTS)?;
    let disciplines = checked_disciplines(&body.disciplines)?;
    let profile = api
        .write(move |tx| {
            let vocabulary = Vocabulary::new(sites::terms(tx)?);
            let species = checked_species(&vocabulary, &body.species)?;
            let existing = match store::profile(tx, &user_id) {
                Ok(row) => Some(row),
                Err(StoreError::NotFound) => None,
                Err(error) => return Err(error.into()),
            };
            let expected = match (&existing, expected) {
                (Some(_), None) => return Err(ApiError::PreconditionRequired),
                (None, Some(_)) => return Err(ApiError::Stale),
                (Some(current), Some(version)) if current.version != version => {
                    return Err(ApiError::Stale);
                }
                (_, expected) => expected,
            };
            let at = now();
            let row = ProfileRow {
                user_id: user_id.clone(),
                organization_id: organization.clone(),
                species: json(&species)?,
                disciplines: json(&disciplines)?,
                summary: body.summary.as_ref().map(ToString::to_string),
                availability: json(&body.availability)?,
                accepting_consults: body.accepting_consults,
                rotation_note: body.rotation_note.as_ref().map(ToString::to_string),
                created_at: existing.as_ref().map_or(at, |current| current.created_at),
                updated_at: at,
                version: 1,
            };
            let stored = store::put_profile(tx, &row, expected)?;
            tx.audit(
                if expected.is_some() {
                    "specialist_profile.updated"
                } else {
                    "specialist_profile.created"
                },
                "specialist_profile",
                &user_id,
                Some(&organization),
                serde_json::json!({
                    "species": species,
                    "disciplines": disciplines,
                    "accepting_consults": stored.accepting_consults,
                    "version": stored.version,
                }),
            )?;
            profile_view(&one_listed(tx, stored)?)
        })
        .await?;
    Ok(versioned(&profile, profile.version))
}

/// Whether `profile` has every word of `words` in its name, organization,
/// summary, rotation note or discipline labels.
fn has_words(profile: &SpecialistProfile, words: &[String]) -> bool {
    let text = format!(
        "{} {} {} {} {}",
        profile.name,
        profile.organization_name,
        profile.summary.as_deref().unwrap_or_default(),
        profile.rotation_note.as_deref().unwrap_or_default(),
        profile
            .disciplines
            .iter()
            .map(|discipline| discipline.label())
            .collect::<Vec<_>>()
            .join(" "),
    )
    .to_lowercase();
    words.iter().all(|word| text.contains(word.as_str()))
}

/// Find specialists (members of the network): by species (a group matches
/// its species; a species matches specialists for its whole group), by
/// discipline, by words in their name, organization or summary, and by
/// whether they accept consults now. Those accepting come first, then the
/// most recently updated. Only clinicians and admins of vetted
/// organizations are listed.
#[utoipa::path(
    operation_id = "search_specialists",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(SpecialistQuery),
    responses(
        (status = 200, description = "A page of specialists.", body = SpecialistPage),
        (status = 400, description = "A filter or the cursor is malformed; `errors` names the filter."),
        RoleProblems,
    )
)]
#[get("/specialists")]
pub async fn search_specialists(
    api: Api,
    query: web::Query<SpecialistQuery>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network(NETWORK_ONLY)?;
    let query = query.into_inner();
    let species = filters::species(query.species.as_deref())?.map(String::from);
    let words: Vec<String> = filters::words(query.q.as_deref())?
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let search = Search {
        species,
        discipline: query
            .discipline
            .map(|discipline| discipline.as_str().to_owned()),
        // The switch is in the store; the hours are read below.
        accepting: query.accepting.filter(|accepting| *accepting),
    };
    let accepting = query.accepting;
    let page = api
        .read(move |tx| {
            let mut items = store::search(tx, &search)?
                .iter()
                .filter(|listed| listable(listed))
                .map(profile_view)
                .collect::<Result<Vec<_>, _>>()?;
            items.retain(|profile| {
                has_words(profile, &words)
                    && accepting.is_none_or(|accepting| profile.accepting_now == accepting)
            });
            // Stable: the store's order (most recently updated) within each.
            items.sort_by_key(|profile| !profile.accepting_now);
            let skip = usize::try_from(offset).unwrap_or(usize::MAX);
            let take = usize::try_from(limit).unwrap_or(usize::MAX);
            let more = items.len() > skip.saturating_add(take);
            let items: Vec<SpecialistProfile> = items.into_iter().skip(skip).take(take).collect();
            Ok(SpecialistPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One specialist's profile (members of the network). A person without a
/// listed profile answers 404.
#[utoipa::path(
    operation_id = "read_specialist",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(("user_id" = Uuid, Path, description = "The specialist.")),
    responses(
        (status = 200, description = "The profile.", body = SpecialistProfile),
        ObjectProblems,
    )
)]
#[get("/specialists/{user_id}")]
pub async fn read_specialist(api: Api, user_id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    api.who.require_network(NETWORK_ONLY)?;
    let user_id = user_id.into_inner().to_string();
    let profile = api
        .read(move |tx| {
            let row = store::profile(tx, &user_id)?;
            let listed = one_listed(tx, row)?;
            if !listable(&listed) {
                return Err(ApiError::NotFound);
            }
            profile_view(&listed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// The wire shape of `rows`, as the caller sees them.
fn consult_views(tx: &mut Tx, rows: &[ConsultRow]) -> Result<Vec<Consult>, ApiError> {
    let principal = tx.who;
    let mut organization_ids: Vec<String> = Vec::new();
    let mut referrals = std::collections::HashMap::new();
    for row in rows {
        if !referrals.contains_key(&row.referral_id) {
            let referral = referral_store::row(tx, &row.referral_id)?;
            organization_ids.push(referral.referrer_org_id.clone());
            organization_ids.push(referral.receiver_org_id.clone());
            referrals.insert(row.referral_id.clone(), referral);
        }
        organization_ids.push(row.specialist_organization_id.clone());
        organization_ids.push(row.requester_organization_id.clone());
    }
    organization_ids.sort();
    organization_ids.dedup();
    let names = store::organization_names(tx, &organization_ids)?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_default();
    rows.iter()
        .map(|row| {
            let referral = referrals
                .get(&row.referral_id)
                .ok_or_else(|| ApiError::corrupt("consult referral"))?;
            let status =
                ConsultStatus::parse(&row.status).ok_or_else(|| ApiError::corrupt("status"))?;
            let requested = status == ConsultStatus::Requested;
            let is_specialist = specialist_of(principal, row);
            Ok(Consult {
                id: parse_id(&row.id)?,
                referral_id: parse_id(&row.referral_id)?,
                specialist_user_id: parse_id(&row.specialist_user_id)?,
                specialist_name: row.specialist_name.clone(),
                specialist_organization_id: parse_id(&row.specialist_organization_id)?,
                specialist_organization_name: name(&row.specialist_organization_id),
                requester_organization_id: parse_id(&row.requester_organization_id)?,
                requester_organization_name: name(&row.requester_organization_id),
                requester_name: row.requester_name.clone(),
                question: row.question.clone(),
                status,
                answer: row.answer.clone(),
                decline_reason: row.decline_reason.clone(),
                case: ConsultCase {
                    species: referral.species.clone(),
                    priority: referral.tier()?,
                    patient: serde_json::from_str(&referral.patient)
                        .map_err(|_| ApiError::corrupt("patient"))?,
                    reason: referral.reason.clone(),
                    history: referral.history.clone(),
                    medications: referral.medications.clone(),
                    allergies: referral.allergies.clone(),
                    referrer_name: name(&referral.referrer_org_id),
                    receiver_name: name(&referral.receiver_org_id),
                },
                created_at: utc(row.created_at),
                closed_at: row.closed_at.map(utc),
                closed_by: row.closed_by.clone(),
                can_answer: requested && is_specialist,
                can_cancel: requested && principal.access.can_act(&row.requester_organization_id),
                version: row.version,
            })
        })
        .collect()
}

fn consult_view(tx: &mut Tx, row: &ConsultRow) -> Result<Consult, ApiError> {
    consult_views(tx, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| ApiError::corrupt("consult"))
}

/// The organization the caller asks for on `referral`: a side where they
/// are an admin, clinician or staff member.
fn requesting_organization(
    principal: &Principal,
    referral: &ReferralRow,
) -> Result<String, ApiError> {
    if !may_request_consult(
        &principal.access,
        &referral.referrer_org_id,
        &referral.receiver_org_id,
    ) {
        return Err(ApiError::Forbidden(
            "Only the admins, clinicians and staff of the two organizations ask for consults."
                .into(),
        ));
    }
    let organization = if principal.access.can_act(&referral.receiver_org_id) {
        &referral.receiver_org_id
    } else {
        &referral.referrer_org_id
    };
    Ok(organization.clone())
}

/// Ask a specialist for a consult on a referral (the admins, clinicians and
/// staff of either organization; volunteers may not). The specialist must
/// accept consults. The question goes into the referral's case thread and
/// timeline, so both sides see "Consult requested from …". Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "request_consult",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    request_body = RequestConsultRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The consult.", body = Consult),
        (status = 409, description = "The specialist does not accept consults now, or already has this one open."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/consults")]
pub async fn request_consult(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<RequestConsultRequest>,
) -> Result<HttpResponse, ApiError> {
    let referral_id = id.into_inner().to_string();
    let fingerprint = format!("consult:{referral_id}:{}", body.fingerprint());
    let request = body.value;
    api.create(key, fingerprint, move |tx| {
        let principal = tx.who;
        let referral = referral_store::row(tx, &referral_id)?;
        let side = side(principal, &referral)?;
        if side == Party::Coordinator {
            return Err(ApiError::Forbidden(
                "Only the two organizations of the referral ask for consults.".into(),
            ));
        }
        let organization = requesting_organization(principal, &referral)?;
        let specialist = request.specialist_user_id.to_string();
        let not_a_specialist =
            || ApiError::invalid_field("specialist_user_id", "is not a listed specialist");
        let profile = match store::profile(tx, &specialist) {
            Ok(row) => row,
            Err(StoreError::NotFound) => return Err(not_a_specialist()),
            Err(error) => return Err(error.into()),
        };
        let listed = one_listed(tx, profile)?;
        if !listable(&listed) {
            return Err(not_a_specialist());
        }
        if principal
            .user
            .as_ref()
            .is_some_and(|user| user.id == specialist)
        {
            return Err(ApiError::invalid_field(
                "specialist_user_id",
                "is you; ask another specialist",
            ));
        }
        if !listed.row.accepting_consults {
            return Err(ApiError::conflict(
                ErrorCode::NotAcceptingConsults,
                format!("{} does not accept consults now.", listed.name),
            ));
        }
        if store::open_consult_exists(tx, &referral_id, &specialist)? {
            return Err(ApiError::conflict(
                ErrorCode::ConsultOpen,
                format!(
                    "{} has already been asked about this referral and has not answered yet.",
                    listed.name
                ),
            ));
        }
        let name = actor_name(principal);
        let at = now();
        let row = ConsultRow {
            id: new_id(),
            referral_id: referral_id.clone(),
            specialist_user_id: specialist.clone(),
            specialist_name: listed.name.clone(),
            specialist_organization_id: listed.row.organization_id.clone(),
            requester_organization_id: organization.clone(),
            requester_user_id: principal.actor.user_id.clone(),
            requester_name: name.clone(),
            question: request.question.to_string(),
            status: ConsultStatus::Requested.as_str().to_owned(),
            answer: None,
            decline_reason: None,
            created_at: at,
            closed_at: None,
            closed_by: None,
            updated_at: at,
            version: 1,
        };
        store::insert_consult(tx, &row)?;
        let heading = format!(
            "Consult requested from {} ({})",
            listed.name, listed.organization_name
        );
        referral_store::log(
            tx,
            &referral_id,
            at,
            &name,
            "consult_requested",
            None,
            None,
            Some(&format!("{heading}.")),
        )?;
        referral_store::post_message(
            tx,
            &referral_id,
            &organization,
            &name,
            principal.actor.user_id.as_deref(),
            &format!("{heading}: {}", row.question),
        )?;
        tx.audit(
            "consult.requested",
            "consult",
            &row.id,
            Some(&organization),
            serde_json::json!({
                "referral_id": referral_id,
                "specialist_user_id": specialist,
            }),
        )?;
        tx.raise("referral.message_posted", &referral)?;
        let alerting = &tx.state.alerting;
        let (connection, raised) = tx.parts();
        alerting.consult_requested(connection, raised, &row, request.urgent)?;
        consult_view(tx, &row)
    })
    .await
}

/// A referral's consults, oldest first (whoever reads the referral; 404 for
/// anyone else).
#[utoipa::path(
    operation_id = "list_referral_consults",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 200, description = "The consults.", body = ConsultList),
        ObjectProblems,
    )
)]
#[get("/referrals/{id}/consults")]
pub async fn referral_consults(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let list = api
        .read(move |tx| {
            let referral = referral_store::row(tx, &id)?;
            side(tx.who, &referral)?;
            let rows = store::consults_of_referral(tx, &id)?;
            Ok(ConsultList {
                items: consult_views(tx, &rows)?,
                next_cursor: None,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The consults asked of the caller as a specialist, newest first, each
/// with its case (never the owner's or finder's contact).
#[utoipa::path(
    operation_id = "list_my_consults",
    tag = "specialists",
    security(("bearer" = [])),
    params(ConsultQuery),
    responses(
        (status = 200, description = "A page of consults.", body = ConsultList),
        (status = 400, description = "The cursor or the page size is malformed."),
        RoleProblems,
    )
)]
#[get("/consults")]
pub async fn my_consults(
    api: Api,
    query: web::Query<ConsultQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = api.who.person()?.id.clone();
    let query = query.into_inner();
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let list = api
        .read(move |tx| {
            let organizations: Vec<String> = tx.who.access.organizations().cloned().collect();
            let rows = store::consults_for_specialist(
                tx,
                &user_id,
                &organizations,
                query.status.map(ConsultStatus::as_str),
                offset,
                limit + 1,
            )?;
            let mut items = consult_views(tx, &rows)?;
            let more = items.len() as i64 > limit;
            items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(ConsultList {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Whether the caller is `row`'s specialist: the person asked, while still a
/// member of the organization they answer consults for. Someone who has left
/// it no longer reads or answers its consults.
pub(crate) fn specialist_of(principal: &crate::auth::Principal, row: &ConsultRow) -> bool {
    principal
        .user
        .as_ref()
        .is_some_and(|user| user.id == row.specialist_user_id)
        && principal
            .access
            .role_in(&row.specialist_organization_id)
            .is_some()
}

/// The consult, or 404 unless the caller is its specialist or reads its
/// referral.
fn readable_consult(tx: &mut Tx, id: &str) -> Result<(ConsultRow, ReferralRow), ApiError> {
    let principal = tx.who;
    let row = store::consult(tx, id)?;
    let referral = referral_store::row(tx, &row.referral_id)?;
    let is_specialist = specialist_of(principal, &row);
    if !is_specialist {
        side(principal, &referral)?;
    }
    Ok((row, referral))
}

/// One consult, with its `ETag` (its specialist and whoever reads its
/// referral; 404 for anyone else).
#[utoipa::path(
    operation_id = "read_consult",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The consult.")),
    responses((status = 200, description = "The consult.", body = Consult), ObjectProblems)
)]
#[get("/consults/{id}")]
pub async fn read_consult(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let consult = api
        .read(move |tx| {
            let (row, _) = readable_consult(tx, &id)?;
            consult_view(tx, &row)
        })
        .await?;
    Ok(versioned(&consult, consult.version))
}

/// What closing a consult writes.
struct Close {
    to: ConsultStatus,
    answer: Option<String>,
    decline_reason: Option<String>,
}

/// Closes a consult in one transaction: the rules, the conditional update,
/// the case thread, the timeline, the audit log and the event.
async fn close(
    api: Api,
    id: Uuid,
    version: IfMatch,
    close: Close,
) -> Result<HttpResponse, ApiError> {
    let id = id.to_string();
    let consult = api
        .write(move |tx| {
            let principal = tx.who;
            let (current, referral) = readable_consult(tx, &id)?;
            let from =
                ConsultStatus::parse(&current.status).ok_or_else(|| ApiError::corrupt("status"))?;
            let is_specialist = specialist_of(principal, &current);
            let requester = principal
                .access
                .can_act(&current.requester_organization_id);
            // Who may make the move first, then whether the consult's state
            // allows it: someone who may not answer or cancel it learns
            // nothing of where it stands.
            let party = if close.to == ConsultStatus::Cancelled && requester {
                ConsultParty::Requester
            } else if is_specialist {
                ConsultParty::Specialist
            } else {
                return Err(ApiError::Forbidden(
                    "Only the specialist answers or declines a consult, and only the asking organization's admins, clinicians and staff cancel it.".into(),
                ));
            };
            check_transition(from, close.to, party)?;
            let name = actor_name(principal);
            let row = store::close_consult(
                tx,
                &current,
                version.0,
                &Closing {
                    status: close.to.as_str(),
                    answer: close.answer.as_deref(),
                    decline_reason: close.decline_reason.as_deref(),
                    by: &name,
                },
            )?;
            let organization = match party {
                ConsultParty::Specialist => row.specialist_organization_id.clone(),
                ConsultParty::Requester => row.requester_organization_id.clone(),
            };
            let (kind, heading, message) = match close.to {
                ConsultStatus::Answered => (
                    "consult_answered",
                    format!("Consult answered by {name}"),
                    close.answer.clone(),
                ),
                ConsultStatus::Declined => (
                    "consult_declined",
                    format!("Consult declined by {name}"),
                    close.decline_reason.clone(),
                ),
                _ => (
                    "consult_cancelled",
                    format!("Consult with {} cancelled by {name}", row.specialist_name),
                    None,
                ),
            };
            referral_store::log(
                tx,
                &row.referral_id,
                now(),
                &name,
                kind,
                None,
                None,
                Some(&format!("{heading}.")),
            )?;
            if let Some(text) = message {
                referral_store::post_message(
                    tx,
                    &row.referral_id,
                    &organization,
                    &name,
                    principal.actor.user_id.as_deref(),
                    &format!("{heading}: {text}"),
                )?;
                tx.raise("referral.message_posted", &referral)?;
            }
            tx.audit(
                match close.to {
                    ConsultStatus::Answered => "consult.answered",
                    ConsultStatus::Declined => "consult.declined",
                    _ => "consult.cancelled",
                },
                "consult",
                &row.id,
                Some(&organization),
                serde_json::json!({
                    "referral_id": row.referral_id,
                    "version": row.version,
                }),
            )?;
            let by = ChangedBy {
                user_id: principal.actor.user_id.as_deref(),
                name: &name,
            };
            let alerting = &tx.state.alerting;
            let (connection, raised) = tx.parts();
            alerting.consult_closed(connection, raised, &row, by)?;
            consult_view(tx, &row)
        })
        .await?;
    Ok(versioned(&consult, consult.version))
}

/// Answer a consult (the specialist only; `If-Match` required). The answer
/// also goes into the referral's case thread.
#[utoipa::path(
    operation_id = "answer_consult",
    tag = "specialists",
    security(("bearer" = [])),
    request_body = AnswerConsultRequest,
    params(
        ("id" = Uuid, Path, description = "The consult."),
        ("If-Match" = String, Header, description = "The consult's ETag."),
    ),
    responses(
        (status = 200, description = "The consult, answered.", body = Consult),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/consults/{id}/answer")]
pub async fn answer_consult(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<AnswerConsultRequest>,
) -> Result<HttpResponse, ApiError> {
    let close_with = Close {
        to: ConsultStatus::Answered,
        answer: Some(body.value.answer.to_string()),
        decline_reason: None,
    };
    close(api, id.into_inner(), version, close_with).await
}

/// Decline a consult with a reason (the specialist only; `If-Match`
/// required). The reason also goes into the referral's case thread.
#[utoipa::path(
    operation_id = "decline_consult",
    tag = "specialists",
    security(("bearer" = [])),
    request_body = DeclineConsultRequest,
    params(
        ("id" = Uuid, Path, description = "The consult."),
        ("If-Match" = String, Header, description = "The consult's ETag."),
    ),
    responses(
        (status = 200, description = "The consult, declined.", body = Consult),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/consults/{id}/decline")]
pub async fn decline_consult(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<DeclineConsultRequest>,
) -> Result<HttpResponse, ApiError> {
    let close_with = Close {
        to: ConsultStatus::Declined,
        answer: None,
        decline_reason: Some(body.value.reason.to_string()),
    };
    close(api, id.into_inner(), version, close_with).await
}

/// Cancel a consult still waiting for its answer (the admins, clinicians and
/// staff of the organization that asked; `If-Match` required).
#[utoipa::path(
    operation_id = "cancel_consult",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The consult."),
        ("If-Match" = String, Header, description = "The consult's ETag."),
    ),
    responses(
        (status = 200, description = "The consult, cancelled.", body = Consult),
        ObjectProblems,
        VersionProblems,
    )
)]
#[post("/consults/{id}/cancel")]
pub async fn cancel_consult(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let close_with = Close {
        to: ConsultStatus::Cancelled,
        answer: None,
        decline_reason: None,
    };
    close(api, id.into_inner(), version, close_with).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_name_organization_summary_and_disciplines() {
        let profile = SpecialistProfile {
            user_id: Uuid::nil(),
            name: "Dr Rosa Quill".into(),
            organization_id: Uuid::nil(),
            organization_name: "Meadow Exotics".into(),
            species: vec!["small_mammal/rabbit".into()],
            disciplines: vec![Discipline::Dentistry],
            summary: Some("Cheek teeth and jaw abscesses".into()),
            availability: vec![],
            accepting_consults: true,
            accepting_now: true,
            accepting_until: None,
            next_accepting_at: None,
            timezone: None,
            rotation_note: None,
            updated_at: chrono::Utc::now(),
            version: 1,
        };
        let words = |text: &str| -> Vec<String> {
            text.split_whitespace().map(str::to_lowercase).collect()
        };
        assert!(has_words(&profile, &words("quill abscess")));
        assert!(has_words(&profile, &words("Dentistry meadow")));
        assert!(!has_words(&profile, &words("surgery")));
    }
}
