//! How each domain rule's refusal becomes a problem: one `From` per domain
//! error, so a handler or domain call site just writes `?`.
//!
//! A move the lifecycle does not have is 409 `illegal_transition`; a caller on
//! the wrong side is 403; a field a rule refuses is 422 naming the field;
//! a state that blocks the request (an expired offer, an overlapping
//! booking) is 409 with its own code.

use warren_domain::access::AuditRefusal;
use warren_domain::care::CareError;
use warren_domain::lending::SupplyError;
use warren_domain::lending::{
    ApprovalError, CheckoutError, ItemError, MaintenanceError, NotLendable, RequestError,
    ReservationError, UrgencyError, WindowError,
};
use warren_domain::library::TagError;
use warren_domain::organization::{JoinError, MemberError, VettingError};
use warren_domain::people::PeopleError;
use warren_domain::referral::{DriveError, ReferralError, TransportError};
use warren_domain::specialists::ConsultError;
use warren_domain::triage::TriageError;
use warren_wire::ErrorCode;

use super::ApiError;

fn sentence(text: &str) -> String {
    ApiError::sentence(&text)
}

impl From<ReservationError> for ApiError {
    fn from(error: ReservationError) -> Self {
        match &error {
            ReservationError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, sentence(&error.to_string()))
            }
            ReservationError::NotYours { .. } => ApiError::Forbidden(sentence(&error.to_string())),
            ReservationError::CheckoutRequired | ReservationError::ReturnRequired => {
                ApiError::conflict(ErrorCode::IllegalTransition, sentence(&error.to_string()))
            }
            ReservationError::ReasonRequired | ReservationError::ReasonNotYours { .. } => {
                ApiError::invalid_field("reason", error.to_string())
            }
            ReservationError::NoteRequired => ApiError::invalid_field("note", error.to_string()),
        }
    }
}

impl From<WindowError> for ApiError {
    fn from(error: WindowError) -> Self {
        ApiError::invalid_field("window", error.to_string())
    }
}

impl From<NotLendable> for ApiError {
    fn from(error: NotLendable) -> Self {
        ApiError::conflict(ErrorCode::NotLendable, format!("{error}."))
    }
}

impl From<RequestError> for ApiError {
    fn from(error: RequestError) -> Self {
        match error {
            RequestError::Window(error) => Self::from(error),
            RequestError::NotLendable(error) => Self::from(error),
            RequestError::Taken { reason, next_free } => ApiError::ReservationConflict {
                detail: reason,
                next_free_slot: next_free,
            },
            RequestError::WrongItem => ApiError::Internal(error.to_string()),
        }
    }
}

impl From<UrgencyError> for ApiError {
    fn from(error: UrgencyError) -> Self {
        ApiError::invalid_field("urgency", error.to_string())
    }
}

impl From<ApprovalError> for ApiError {
    fn from(error: ApprovalError) -> Self {
        match &error {
            ApprovalError::NotRequested(from) => ApiError::conflict(
                ErrorCode::IllegalTransition,
                format!("A reservation cannot go from {from} to reserved."),
            ),
            ApprovalError::Conflict { .. } => {
                ApiError::conflict(ErrorCode::ReservationOverlap, sentence(&error.to_string()))
            }
            ApprovalError::Outranked { .. } => {
                ApiError::conflict(ErrorCode::Outranked, sentence(&error.to_string()))
            }
        }
    }
}

impl From<CheckoutError> for ApiError {
    fn from(error: CheckoutError) -> Self {
        let text = error.to_string();
        match error {
            CheckoutError::Reservation(error) => Self::from(error),
            CheckoutError::WrongItem => ApiError::Internal(text),
            CheckoutError::TooEarly | CheckoutError::WindowOver => {
                ApiError::conflict(ErrorCode::OutsideWindow, sentence(&text))
            }
            CheckoutError::ItemNotAvailable(_) | CheckoutError::NotLendable(_) => {
                ApiError::conflict(ErrorCode::NotLendable, sentence(&text))
            }
            CheckoutError::ConditionNotLendable(_) => {
                ApiError::invalid_field("report.condition", text)
            }
            CheckoutError::ChecklistEmpty
            | CheckoutError::ChecklistTooLong
            | CheckoutError::ChecklistDuplicate(_)
            | CheckoutError::ChecklistNoteRequired(_) => {
                ApiError::invalid_field("report.checklist", text)
            }
            CheckoutError::TermsNotByBorrower
            | CheckoutError::TermsOutdated { .. }
            | CheckoutError::TermsNotForThisLoan => {
                ApiError::invalid_field("accept_terms_version", text)
            }
            CheckoutError::DamageNoteRequired => ApiError::invalid_field("report.notes", text),
        }
    }
}

impl From<ItemError> for ApiError {
    fn from(error: ItemError) -> Self {
        match &error {
            ItemError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, sentence(&error.to_string()))
            }
            ItemError::NotYours { .. } => ApiError::invalid_field("status", error.to_string()),
        }
    }
}

impl From<MaintenanceError> for ApiError {
    fn from(error: MaintenanceError) -> Self {
        match error {
            MaintenanceError::Interval => ApiError::invalid_field("interval", error.to_string()),
            MaintenanceError::InTheFuture => ApiError::invalid_field("done_at", error.to_string()),
        }
    }
}

impl From<ConsultError> for ApiError {
    fn from(error: ConsultError) -> Self {
        match error {
            ConsultError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, ApiError::sentence(&error))
            }
            ConsultError::NotYours(..) => ApiError::Forbidden(ApiError::sentence(&error)),
        }
    }
}

impl From<SupplyError> for ApiError {
    fn from(error: SupplyError) -> Self {
        match error {
            SupplyError::Quantity
            | SupplyError::NotEnoughLeft { .. }
            | SupplyError::MoreThanRequested { .. }
            | SupplyError::BelowGiven { .. } => {
                ApiError::invalid_field("quantity", error.to_string())
            }
            SupplyError::Withdrawn | SupplyError::AlreadyWithdrawn => {
                ApiError::conflict(ErrorCode::OfferWithdrawn, ApiError::sentence(&error))
            }
            SupplyError::FulfilmentRequired => {
                ApiError::conflict(ErrorCode::FulfilmentRequired, ApiError::sentence(&error))
            }
            SupplyError::OfferersFulfil => ApiError::Forbidden(ApiError::sentence(&error)),
            SupplyError::Expired => {
                ApiError::conflict(ErrorCode::OfferExpired, ApiError::sentence(&error))
            }
            SupplyError::NotAvailable => {
                ApiError::conflict(ErrorCode::OfferUnavailable, ApiError::sentence(&error))
            }
            SupplyError::OwnOffer => ApiError::Forbidden(ApiError::sentence(&error)),
            SupplyError::WrongOffer => {
                ApiError::conflict(ErrorCode::WrongOffer, ApiError::sentence(&error))
            }
            SupplyError::Closed(_) => {
                ApiError::conflict(ErrorCode::RequestClosed, ApiError::sentence(&error))
            }
            SupplyError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, ApiError::sentence(&error))
            }
            SupplyError::NotYours { .. } => ApiError::Forbidden(ApiError::sentence(&error)),
        }
    }
}

impl From<ReferralError> for ApiError {
    fn from(error: ReferralError) -> Self {
        match error {
            ReferralError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, ApiError::sentence(&error))
            }
            ReferralError::OutcomeRequired => ApiError::conflict(
                ErrorCode::OutcomeRequired,
                "A referral is completed by recording its outcome (PUT /referrals/{id}/outcome)."
                    .to_owned(),
            ),
            ReferralError::NotYours { .. } => ApiError::Forbidden(ApiError::sentence(&error)),
            ReferralError::ReasonRequired => {
                ApiError::invalid_field("reason", "is required when rejecting")
            }
            ReferralError::NoteRequired => {
                ApiError::invalid_field("note", "is required with the reason \"other\"")
            }
            ReferralError::NotVetted => {
                ApiError::Forbidden("Only vetted organizations send referrals.".into())
            }
            ReferralError::ReceiverCount => ApiError::invalid_field("receivers", error.to_string()),
            ReferralError::ReceiverTwice(index)
            | ReferralError::ReceiverUnknown(index)
            | ReferralError::ReceiverIsOwn(index) => {
                ApiError::invalid_field(&format!("receivers[{index}]"), error.to_string())
            }
            ReferralError::NotOwnSite => ApiError::invalid_field("from_site_id", error.to_string()),
            ReferralError::NotOwnAssessment => {
                ApiError::invalid_field("assessment_id", error.to_string())
            }
            ReferralError::PriorityRequired => {
                ApiError::invalid_field("priority", error.to_string())
            }
        }
    }
}

impl From<TransportError> for ApiError {
    fn from(error: TransportError) -> Self {
        match error {
            TransportError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, ApiError::sentence(&error))
            }
            TransportError::DriverRequired => {
                ApiError::invalid_field("driver_user_id", "is required to schedule")
            }
            TransportError::Window => {
                ApiError::invalid_field("window_ends", "must be after window_starts")
            }
            TransportError::NeededBy => ApiError::invalid_field("needed_by", error.to_string()),
            TransportError::SharingIsReferrers => ApiError::Forbidden(ApiError::sentence(&error)),
            TransportError::ArrangedWhileOpen | TransportError::StepWhileOpen => {
                ApiError::conflict(ErrorCode::ReferralClosed, ApiError::sentence(&error))
            }
            TransportError::DriverNotMember => {
                ApiError::invalid_field("driver_user_id", error.to_string())
            }
        }
    }
}

impl From<DriveError> for ApiError {
    fn from(error: DriveError) -> Self {
        let code = match &error {
            DriveError::NotADriver => return ApiError::Forbidden(ApiError::sentence(&error)),
            DriveError::Skill(skill) => {
                return ApiError::conflict(
                    ErrorCode::SkillRequired,
                    format!("{skill}; update your volunteer profile first."),
                );
            }
            DriveError::NoLeg => ErrorCode::NoTransport,
            DriveError::NoLongerNeeded => ErrorCode::ReferralClosed,
            DriveError::Taken => ErrorCode::TransportTaken,
            DriveError::NotOpen(_) => ErrorCode::TransportNotOpen,
            DriveError::NotYourDrive => ErrorCode::NotYourDrive,
        };
        ApiError::conflict(code, ApiError::sentence(&error))
    }
}

impl From<TriageError> for ApiError {
    fn from(error: TriageError) -> Self {
        match error {
            TriageError::UnknownSign(code) => ApiError::invalid_field(
                &format!("answers.{code}"),
                "is not a sign of the current protocol",
            ),
            TriageError::MissingTier(_) => ApiError::Internal(error.to_string()),
        }
    }
}

impl From<TagError> for ApiError {
    fn from(error: TagError) -> Self {
        ApiError::invalid_field(error.field(), error.to_string())
    }
}

impl From<PeopleError> for ApiError {
    fn from(error: PeopleError) -> Self {
        match error {
            PeopleError::Illegal { .. } => {
                ApiError::conflict(ErrorCode::IllegalTransition, error.to_string())
            }
            other => ApiError::invalid_field(other.field(), other.to_string()),
        }
    }
}

impl From<VettingError> for ApiError {
    fn from(error: VettingError) -> Self {
        let text = error.to_string();
        match error {
            VettingError::ReasonRequired | VettingError::ReasonTooLong => {
                ApiError::invalid_field("reason", text)
            }
            VettingError::Illegal(_) => ApiError::conflict(ErrorCode::IllegalTransition, text),
            VettingError::NotVetted(_) => {
                ApiError::conflict(ErrorCode::OrganizationNotVetted, text)
            }
        }
    }
}

impl From<MemberError> for ApiError {
    fn from(error: MemberError) -> Self {
        match error {
            MemberError::LastAdmin => ApiError::conflict(ErrorCode::LastAdmin, error.to_string()),
            _ => ApiError::Forbidden(error.to_string()),
        }
    }
}

impl From<JoinError> for ApiError {
    fn from(error: JoinError) -> Self {
        match error {
            JoinError::NameRequired => ApiError::invalid_field("name", error.to_string()),
            JoinError::Password(_) => ApiError::invalid_field("password", error.to_string()),
        }
    }
}

impl From<AuditRefusal> for ApiError {
    fn from(error: AuditRefusal) -> Self {
        match error {
            AuditRefusal::NotAnAdmin => ApiError::Forbidden(error.to_string()),
            AuditRefusal::NotYours => ApiError::NotFound,
        }
    }
}

impl From<CareError> for ApiError {
    fn from(error: CareError) -> Self {
        let sentence = ApiError::sentence(&error);
        match error {
            CareError::InTheFuture => ApiError::invalid_field("at", sentence),
            CareError::TargetDay => ApiError::invalid_field("target_day", sentence),
            CareError::NeedlessOverride => ApiError::invalid_field("override_reason", sentence),
            CareError::OverrideNotClinician => ApiError::Forbidden(sentence),
            CareError::CriteriaUnmet(_) => ApiError::conflict(ErrorCode::CriteriaUnmet, sentence),
            CareError::Ended(_)
            | CareError::NotReleased
            | CareError::AlreadyEnded(_)
            | CareError::SameStage(_) => ApiError::conflict(ErrorCode::IllegalTransition, sentence),
        }
    }
}
