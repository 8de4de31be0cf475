//! Referrals as either side sees them, their case threads and the
//! network's referral settings.

use chrono::NaiveDateTime;
use warren_domain::referral::{AnswerTimes, BusinessStatus, Party, RejectReason, next_statuses};
use warren_store::referrals::{MessageRow, Names, ReferralRow};
use warren_store::utc;
use warren_wire::{
    AnswerTimesSetting, CaseMessage, OutcomeRecord, PersonRef, Referral, ReferralParty,
    ReferralSide, Rejection, TransportSharingSetting,
};

use super::{id, optional_id, time};
use crate::error::ApiError;

/// One side of a referral: the organization and, when known, its site and
/// the number to call.
fn party(
    names: &Names,
    organization_id: &str,
    site_id: Option<&str>,
) -> Result<ReferralParty, ApiError> {
    let site = site_id.and_then(|id| names.site(id));
    Ok(ReferralParty {
        organization_id: id(organization_id)?,
        organization_name: names.organization_name(organization_id),
        site_id: optional_id(site_id)?,
        site_name: site.map(|(name, _)| name.clone()),
        phone: site.and_then(|(_, phone)| phone.clone()),
    })
}

/// A referral for a caller on `side` (`None`: a network admin of neither
/// side), without who can see its leg (`transport_reach`).
pub fn referral(
    row: &ReferralRow,
    names: &Names,
    side: Option<Party>,
) -> Result<Referral, ApiError> {
    let status = row.status()?;
    let outcome = match (row.outcome()?, &row.outcome_by, row.outcome_at) {
        (Some(outcome), Some(by), Some(at)) => Some(OutcomeRecord {
            outcome,
            recorded_by: by.clone(),
            recorded_at: utc(at),
        }),
        _ => None,
    };
    let rejection = row
        .reject_reason
        .as_deref()
        .and_then(RejectReason::parse)
        .map(|reason| Rejection {
            reason,
            note: row.reject_note.clone(),
        });
    let assignee = match (&row.assignee_user_id, &row.assignee_name) {
        (Some(user_id), Some(name)) => Some(PersonRef {
            user_id: id(user_id)?,
            name: name.clone(),
        }),
        _ => None,
    };
    let party_of_caller = side.unwrap_or(Party::Coordinator);
    Ok(Referral {
        id: id(&row.id)?,
        case_id: id(&row.case_id)?,
        status,
        business_status: row
            .business_status
            .as_deref()
            .and_then(BusinessStatus::parse),
        priority: row.tier()?,
        referrer: party(names, &row.referrer_org_id, row.referrer_site_id.as_deref())?,
        receiver: party(names, &row.receiver_org_id, Some(&row.receiver_site_id))?,
        assignee,
        species: row.species.clone(),
        patient: row.patient()?,
        contact: row.contact()?,
        contact_erased_at: row.contact_erased_at.map(utc),
        reason: row.reason.clone(),
        history: row.history.clone(),
        medications: row.medications.clone(),
        allergies: row.allergies.clone(),
        assessment_id: optional_id(row.assessment_id.as_deref())?,
        triage: row.triage()?,
        capabilities: row.capabilities()?,
        rejection,
        outcome,
        transport: row.transport()?,
        transport_reach: None,
        escalated_from: optional_id(row.escalated_from.as_deref())?,
        record_id: optional_id(row.record_id.as_deref())?,
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        sent_at: time(row.sent_at),
        received_at: time(row.received_at),
        accepted_at: time(row.accepted_at),
        first_vet_at: time(row.first_vet_at),
        closed_at: time(row.closed_at),
        answer_due_at: time(row.answer_due_at),
        next_statuses: next_statuses(status, party_of_caller),
        side: ReferralSide::of(party_of_caller),
        version: row.version,
    })
}

/// A message in a referral's case thread.
pub fn case_message(row: &MessageRow) -> Result<CaseMessage, ApiError> {
    Ok(CaseMessage {
        id: id(&row.id)?,
        author: row.author.clone(),
        organization_id: id(&row.organization_id)?,
        organization_name: row.organization_name.clone(),
        body: row.body.clone(),
        at: utc(row.at),
    })
}

/// The network's answer times, changed last at `updated_at` (none while
/// Warren's defaults apply).
pub fn answer_times_setting(
    answer_times: AnswerTimes,
    updated_at: Option<NaiveDateTime>,
) -> AnswerTimesSetting {
    AnswerTimesSetting {
        answer_times,
        updated_at: time(updated_at),
    }
}

/// Whether organizations may share transport legs with the network,
/// changed last at `updated_at` (none while Warren's default applies).
pub fn transport_sharing_setting(
    share_with_network: bool,
    updated_at: Option<NaiveDateTime>,
) -> TransportSharingSetting {
    TransportSharingSetting {
        share_with_network,
        updated_at: time(updated_at),
    }
}
