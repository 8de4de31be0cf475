//! Referral metrics: what falls out of the timestamps of each transition — time
//! to receive, to accept and to first vet, acceptance rate, decline reasons and
//! escalations, per tier and per receiving site.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ReferralStatus, RejectReason};
use crate::triage::Tier;

/// One sent referral's timestamps, as the metrics need them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Its tier.
    pub tier: Tier,
    /// Its status now.
    pub status: ReferralStatus,
    /// The receiving site.
    pub site_id: Uuid,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// When the receiver opened it.
    pub received_at: Option<DateTime<Utc>>,
    /// When the receiver accepted it.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When a vet first saw the patient.
    pub first_vet_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reject_reason: Option<RejectReason>,
    /// Whether Warren created it by escalating another.
    pub escalation: bool,
}

/// Figures for one group of referrals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Referrals sent.
    pub referrals: u64,
    /// Of which accepted (at any point).
    pub accepted: u64,
    /// Of which rejected.
    pub rejected: u64,
    /// Accepted ÷ answered (accepted + rejected); absent when none was answered.
    pub acceptance_rate: Option<f64>,
    /// Median minutes from sending to the receiver opening it.
    pub median_minutes_to_receive: Option<f64>,
    /// Median minutes from sending to acceptance.
    pub median_minutes_to_accept: Option<f64>,
    /// Median minutes from sending to a vet first seeing the patient.
    pub median_minutes_to_first_vet: Option<f64>,
    /// 90th percentile minutes from sending to a vet first seeing the patient.
    pub p90_minutes_to_first_vet: Option<f64>,
    /// Referrals Warren created by escalating an unanswered one.
    pub escalations: u64,
}

/// Figures for one tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierFigures {
    /// The tier.
    pub tier: Tier,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// Figures for one receiving site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteFigures {
    /// The site.
    pub site_id: Uuid,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// How often each decline reason was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonCount {
    /// The reason.
    pub reason: RejectReason,
    /// How often.
    pub count: u64,
}

/// Everything the dashboard shows about referrals in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// All referrals together.
    pub total: Figures,
    /// Per tier, most urgent first (tiers with no referral left out).
    pub by_tier: Vec<TierFigures>,
    /// Per receiving site, busiest first.
    pub by_site: Vec<SiteFigures>,
    /// Decline reasons, most frequent first.
    pub decline_reasons: Vec<ReasonCount>,
}

fn minutes(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Option<f64> {
    to.map(|to| (to - from).num_seconds().max(0) as f64 / 60.0)
}

/// The `q`-quantile (0–1) of `values`, by the nearest-rank method.
pub(crate) fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

fn figures<'a>(timings: impl Iterator<Item = &'a Timing>) -> Figures {
    let mut figures = Figures::default();
    let (mut receive, mut accept, mut first_vet) = (Vec::new(), Vec::new(), Vec::new());
    for timing in timings {
        figures.referrals += 1;
        if timing.accepted_at.is_some() {
            figures.accepted += 1;
        }
        if timing.status == ReferralStatus::Rejected {
            figures.rejected += 1;
        }
        if timing.escalation {
            figures.escalations += 1;
        }
        receive.extend(minutes(timing.sent_at, timing.received_at));
        accept.extend(minutes(timing.sent_at, timing.accepted_at));
        first_vet.extend(minutes(timing.sent_at, timing.first_vet_at));
    }
    let answered = figures.accepted + figures.rejected;
    figures.acceptance_rate = (answered > 0).then(|| figures.accepted as f64 / answered as f64);
    figures.median_minutes_to_receive = quantile(&mut receive, 0.5);
    figures.median_minutes_to_accept = quantile(&mut accept, 0.5);
    figures.median_minutes_to_first_vet = quantile(&mut first_vet, 0.5);
    figures.p90_minutes_to_first_vet = quantile(&mut first_vet, 0.9);
    figures
}

/// Summarizes `timings`.
pub fn summarize(timings: &[Timing]) -> Summary {
    let by_tier = Tier::ALL
        .into_iter()
        .filter_map(|tier| {
            let figures = figures(timings.iter().filter(|timing| timing.tier == tier));
            (figures.referrals > 0).then_some(TierFigures { tier, figures })
        })
        .collect();
    let mut sites: BTreeMap<Uuid, Vec<&Timing>> = BTreeMap::new();
    for timing in timings {
        sites.entry(timing.site_id).or_default().push(timing);
    }
    let mut by_site: Vec<SiteFigures> = sites
        .into_iter()
        .map(|(site_id, timings)| SiteFigures {
            site_id,
            figures: figures(timings.into_iter()),
        })
        .collect();
    by_site.sort_by_key(|site| std::cmp::Reverse(site.figures.referrals));
    let mut reasons: BTreeMap<RejectReason, u64> = BTreeMap::new();
    for reason in timings.iter().filter_map(|timing| timing.reject_reason) {
        *reasons.entry(reason).or_default() += 1;
    }
    let mut decline_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    decline_reasons.sort_by_key(|reason| std::cmp::Reverse(reason.count));
    Summary {
        total: figures(timings.iter()),
        by_tier,
        by_site,
        decline_reasons,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn timing(tier: Tier, accept_after: Option<i64>, status: ReferralStatus) -> Timing {
        let sent_at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let accepted_at = accept_after.map(|minutes| sent_at + Duration::minutes(minutes));
        Timing {
            tier,
            status,
            site_id: Uuid::nil(),
            sent_at,
            received_at: accepted_at,
            accepted_at,
            first_vet_at: accepted_at.map(|at| at + Duration::minutes(30)),
            reject_reason: (status == ReferralStatus::Rejected).then_some(RejectReason::NoCapacity),
            escalation: false,
        }
    }

    #[test]
    fn figures_fall_out_of_the_timestamps() {
        let summary = summarize(&[
            timing(Tier::Immediate, Some(4), ReferralStatus::Completed),
            timing(Tier::Immediate, Some(10), ReferralStatus::Accepted),
            timing(Tier::Immediate, None, ReferralStatus::Rejected),
            timing(Tier::Urgent, None, ReferralStatus::Requested),
        ]);
        assert_eq!(summary.total.referrals, 4);
        let first = &summary.by_tier[0];
        assert_eq!(first.tier, Tier::Immediate);
        assert_eq!((first.figures.accepted, first.figures.rejected), (2, 1));
        assert_eq!(first.figures.acceptance_rate, Some(2.0 / 3.0));
        assert_eq!(first.figures.median_minutes_to_accept, Some(4.0));
        assert_eq!(first.figures.p90_minutes_to_first_vet, Some(40.0));
        assert_eq!(
            summary.by_tier[1].figures.acceptance_rate, None,
            "nothing answered yet"
        );
        assert_eq!(
            summary.decline_reasons,
            [ReasonCount {
                reason: RejectReason::NoCapacity,
                count: 1
            }]
        );
    }

    #[test]
    fn an_empty_period_has_no_figures() {
        let summary = summarize(&[]);
        assert_eq!(summary.total, Figures::default());
        assert!(summary.by_tier.is_empty());
    }
}
