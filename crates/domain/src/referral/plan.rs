//! Sending a patient: what a new referral request becomes, decided before
//! anything is stored.
//!
//! [`check_receivers`] refuses a list of receiving sites that could never be
//! sent (too few, too many, one twice); [`plan_referral`] then weighs the
//! request against what Warren knows — whether the referrer is vetted, whose
//! sites the receivers are, the referrer's own sites, the assessment it
//! carries over — and answers with a [`ReferralPlan`] or the first
//! [`ReferralError`] that refuses it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AnswerTimes, MAX_RECEIVERS, ReferralError, ReferralStatus};
use crate::triage::Tier;

/// Refuses a receiver list with no site, more than [`MAX_RECEIVERS`], or a
/// site listed twice (naming the second listing).
pub fn check_receivers(receivers: &[Uuid]) -> Result<(), ReferralError> {
    if receivers.is_empty() || receivers.len() > MAX_RECEIVERS {
        return Err(ReferralError::ReceiverCount);
    }
    match (0..receivers.len()).find(|&index| receivers[..index].contains(&receivers[index])) {
        Some(index) => Err(ReferralError::ReceiverTwice(index)),
        None => Ok(()),
    }
}

/// A receiving site as the directory knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceivingSite {
    /// The site.
    pub site_id: Uuid,
    /// Its organization; `None` when the directory does not list the site.
    pub organization_id: Option<Uuid>,
}

/// What an assessment carried over gives a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssessedNeeds<'a> {
    /// The assessment's tier.
    pub tier: Tier,
    /// The capability codes the case needs.
    pub capabilities: &'a [String],
}

/// The request to send a patient and what Warren knows around it.
#[derive(Debug, Clone)]
pub struct ReferralRequest<'a> {
    /// The referring organization.
    pub referrer: Uuid,
    /// Whether the referrer is a vetted organization.
    pub vetted: bool,
    /// The referrer's sites in the directory, its main site first.
    pub own_sites: &'a [Uuid],
    /// The receiving sites, in the order asked.
    pub receivers: &'a [ReceivingSite],
    /// The site the patient leaves from, if the request names one.
    pub from_site: Option<Uuid>,
    /// The assessment named in the request: `None` when none is named,
    /// `Some(None)` when it is not one of the referrer's.
    pub assessment: Option<Option<AssessedNeeds<'a>>>,
    /// The priority asked for, if any.
    pub priority: Option<Tier>,
    /// The capability codes asked for (empty: the assessment's).
    pub capabilities: Vec<String>,
    /// Whether it is kept as a draft rather than sent.
    pub draft: bool,
}

/// What sending decides: one referral per receiving site, all alike.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralPlan {
    /// The receiving sites with their organizations, in the order asked.
    pub receivers: Vec<(Uuid, Uuid)>,
    /// The site the patient leaves from, if the referrer has one.
    pub from_site: Option<Uuid>,
    /// The tier: as asked, or the assessment's.
    pub priority: Tier,
    /// The needs: as asked, or the assessment's.
    pub capabilities: Vec<String>,
    /// `draft`, or `requested` when sent.
    pub status: ReferralStatus,
    /// When a sent referral must be answered before Warren escalates.
    pub answer_due: Option<DateTime<Utc>>,
}

/// Decides what a request to send a patient becomes at `now`, with the
/// network's answer `times`: only a vetted organization sends; every
/// receiver is a listed site of another organization; the leaving site is
/// one of the referrer's (its main site by default); the assessment is the
/// referrer's and gives the priority and needs the request leaves out; a
/// draft is not sent and so has no answer time.
pub fn plan_referral(
    request: ReferralRequest<'_>,
    times: &AnswerTimes,
    now: DateTime<Utc>,
) -> Result<ReferralPlan, ReferralError> {
    if !request.vetted {
        return Err(ReferralError::NotVetted);
    }
    let mut receivers = Vec::with_capacity(request.receivers.len());
    for (index, site) in request.receivers.iter().enumerate() {
        let organization = site
            .organization_id
            .ok_or(ReferralError::ReceiverUnknown(index))?;
        if organization == request.referrer {
            return Err(ReferralError::ReceiverIsOwn(index));
        }
        receivers.push((site.site_id, organization));
    }
    let from_site = match request.from_site {
        Some(site) if request.own_sites.contains(&site) => Some(site),
        Some(_) => return Err(ReferralError::NotOwnSite),
        None => request.own_sites.first().copied(),
    };
    let assessment = match request.assessment {
        Some(found) => Some(found.ok_or(ReferralError::NotOwnAssessment)?),
        None => None,
    };
    let priority = request
        .priority
        .or(assessment.map(|assessment| assessment.tier))
        .ok_or(ReferralError::PriorityRequired)?;
    let capabilities = if request.capabilities.is_empty() {
        assessment.map_or_else(Vec::new, |assessment| assessment.capabilities.to_vec())
    } else {
        request.capabilities
    };
    let (status, answer_due) = if request.draft {
        (ReferralStatus::Draft, None)
    } else {
        (ReferralStatus::Requested, Some(times.due(priority, now)))
    };
    Ok(ReferralPlan {
        receivers,
        from_site,
        priority,
        capabilities,
        status,
        answer_due,
    })
}
