//! Sending a patient: one referral per receiving site, in one case.

use std::collections::HashMap;

use actix_web::{HttpResponse, post, web};
use uuid::Uuid;
use warren_domain::referral::{
    AssessedNeeds, Party, ReceivingSite, ReferralRequest, ReferralStatus, check_receivers,
    plan_referral,
};
use warren_store::referrals::{self as store, NewReferral, ReferralRow};
use warren_store::{now, organizations};
use warren_wire::{CreateReferralRequest, CreatedReferrals};

use crate::api::Api;
use crate::auth::actor_name;
use crate::directory::{Snapshot, snapshot};
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::views::referrals as views;

/// Send a patient to one to five sites of other vetted organizations (its
/// admins, clinicians and staff). Each receiver gets its own referral in one
/// case; the first to accept gets the patient and Warren withdraws the
/// others. Carries over an assessment's tier, result and needs in one step.
/// Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateReferralRequest,
    params(
        ("id" = Uuid, Path, description = "The referring organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The case and its referrals.", body = CreatedReferrals),
        (status = 409, description = "The case already has an open referral to that organization."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/referrals")]
pub async fn create(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateReferralRequest>,
) -> Result<HttpResponse, ApiError> {
    let referrer = id.into_inner();
    let organization = referrer.to_string();
    api.who.require_read(&organization)?;
    if !api.who.access.can_act(&organization) {
        return Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff send referrals.".into(),
        ));
    }
    let fingerprint = format!("{organization}:{}", body.fingerprint());
    let request = body.value;
    check_receivers(&request.receivers)?;
    let snapshot = snapshot(&api.state).await?;
    if snapshot
        .vocabulary()
        .resolve_species(&request.species)
        .is_none()
    {
        return Err(ApiError::invalid_field(
            "species",
            "is not a species or group Warren knows",
        ));
    }
    api.create(key, fingerprint, move |tx| {
        // The referrer is vetted, so its sites are in the directory snapshot.
        let own_sites = snapshot.sites_of(referrer);
        let listed_as_vetted = own_sites
            .first()
            .and_then(|site| snapshot.records.get(site))
            .is_some_and(|record| record.membership.is_active());
        let vetted = listed_as_vetted
            || organizations::find(tx, &organization)?
                .membership
                .is_active();
        let receivers: Vec<ReceivingSite> = request
            .receivers
            .iter()
            .map(|site_id| ReceivingSite {
                site_id: *site_id,
                organization_id: snapshot
                    .records
                    .get(site_id)
                    .map(|record| record.organization_id),
            })
            .collect();
        let assessment = request.assessment_id.map(|id| {
            warren_store::triage::find_assessment(tx, &id.to_string())
                .ok()
                .filter(|record| record.organization_id == referrer.to_string())
        });
        let (times, _) = store::answer_times(tx)?;
        let at = now();
        let plan = plan_referral(
            ReferralRequest {
                referrer,
                vetted,
                own_sites,
                receivers: &receivers,
                from_site: request.from_site_id,
                assessment: assessment.as_ref().map(|found| {
                    found.as_ref().map(|record| AssessedNeeds {
                        tier: record.result.tier.tier,
                        capabilities: &record.result.capabilities,
                    })
                }),
                priority: request.priority,
                capabilities: request
                    .capabilities
                    .iter()
                    .map(|code| code.as_str().to_owned())
                    .collect(),
                draft: request.draft,
            },
            &times,
            at.and_utc(),
        )?;
        let form = NewReferral::form(
            &request.patient,
            request.contact.as_ref(),
            assessment
                .as_ref()
                .and_then(Option::as_ref)
                .map(|record| &record.result),
            &plan.capabilities,
            request.reason.to_string(),
            request.history.as_ref().map(ToString::to_string),
            request.medications.as_ref().map(ToString::to_string),
            request.allergies.as_ref().map(ToString::to_string),
        )?;
        let record_id = request
            .patient_record_id
            .map(|record| crate::routes::care::carried(tx, record, &organization))
            .transpose()?;
        let case_id = store::new_case_id();
        let sent = plan.status == ReferralStatus::Requested;
        let mut rows = Vec::new();
        for (site_id, receiver_org) in &plan.receivers {
            let id = Uuid::now_v7().to_string();
            let new = NewReferral {
                id: id.clone(),
                case_id: case_id.clone(),
                status: plan.status.as_str().to_owned(),
                business_status: request
                    .transport_needed
                    .then(|| "transport_to_be_arranged".to_owned()),
                priority: i32::from(plan.priority.number()),
                referrer_org_id: organization.clone(),
                referrer_site_id: plan.from_site.map(|site| site.to_string()),
                receiver_org_id: receiver_org.to_string(),
                receiver_site_id: site_id.to_string(),
                species: request.species.as_str().to_owned(),
                patient: form.patient.clone(),
                contact: form.contact.clone(),
                reason: form.reason.clone(),
                history: form.history.clone(),
                medications: form.medications.clone(),
                allergies: form.allergies.clone(),
                assessment_id: request.assessment_id.map(|id| id.to_string()),
                triage: form.triage.clone(),
                capabilities: form.capabilities.clone(),
                escalated_from: None,
                escalation_level: 0,
                cover_tried: false,
                created_by: actor_name(tx.who),
                created_by_user_id: tx.who.actor.user_id.clone(),
                created_at: at,
                sent_at: sent.then_some(at),
                answer_due_at: plan.answer_due.map(|due| due.naive_utc()),
                updated_at: at,
                record_id: record_id.clone(),
            };
            let note = match snapshot.records.get(site_id) {
                Some(receiver) if sent => format!("Sent to {}.", receiver.fields.name),
                _ => "Drafted.".to_owned(),
            };
            let row = store::insert(tx, &new, &note)?;
            tx.audit(
                "referral.created",
                "referral",
                &id,
                Some(&organization),
                serde_json::json!({
                    "receiver_site_id": site_id,
                    "priority": plan.priority.number(),
                    "status": plan.status.as_str(),
                }),
            )?;
            if sent {
                tx.raise("referral.created", &row)?;
                let alerting = &tx.state.alerting;
                let (connection, raised) = tx.parts();
                alerting.referral_arrived(connection, raised, &row)?;
            }
            rows.push(row);
        }
        let names =
            known_names(&snapshot, &rows).map_or_else(|| store::Names::for_rows(tx, &rows), Ok)?;
        let items = rows
            .iter()
            .map(|row| views::referral(row, &names, Some(Party::Referrer)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CreatedReferrals {
            case_id: Uuid::parse_str(&case_id)
                .map_err(|error| ApiError::Internal(error.to_string()))?,
            items,
        })
    })
    .await
}

/// The names of `rows`' organizations and sites from the directory snapshot,
/// when every one of them is listed there (a new referral's always are,
/// unless the referrer has no listed site).
fn known_names(snapshot: &Snapshot, rows: &[ReferralRow]) -> Option<store::Names> {
    let mut organizations = HashMap::new();
    let mut sites = HashMap::new();
    for row in rows {
        let sites_of_row = [row.referrer_site_id.as_deref(), Some(&row.receiver_site_id)];
        for site_id in sites_of_row.into_iter().flatten() {
            let record = snapshot.records.get(&Uuid::parse_str(site_id).ok()?)?;
            organizations.insert(
                record.organization_id.to_string(),
                record.organization_name.clone(),
            );
            sites.insert(
                site_id.to_owned(),
                (
                    record.fields.name.clone(),
                    record
                        .fields
                        .referral_phone
                        .clone()
                        .or_else(|| record.fields.private_phone.clone())
                        .or_else(|| record.fields.public_phone.clone()),
                ),
            );
        }
        for organization in [&row.referrer_org_id, &row.receiver_org_id] {
            if !organizations.contains_key(organization) {
                return None;
            }
        }
    }
    Some(store::Names::known(organizations, sites))
}
