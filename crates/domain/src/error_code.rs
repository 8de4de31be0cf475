//! The stable codes of Warren's error answers.
//!
//! Every problem+json answer carries one of these in `code`; programs — the
//! web app among them — match on the enum, never on a spelled-out string, so a
//! code cannot drift between the server and its clients.

codes!(
    /// Why a request was refused, as a stable snake_case code.
    ErrorCode {
        /// The request is malformed (a header, parameter or path).
        BadRequest = "bad_request", "Bad request";
        /// The body is not JSON.
        MalformedJson = "malformed_json", "The body is not JSON";
        /// The body could not be read.
        UnreadableBody = "unreadable_body", "The body could not be read";
        /// A query parameter is malformed.
        InvalidQuery = "invalid_query", "A query parameter is malformed";
        /// A list filter cannot be used.
        InvalidFilter = "invalid_filter", "A filter cannot be used";
        /// A paging cursor is not one Warren handed out.
        InvalidCursor = "invalid_cursor", "The cursor is not valid";
        /// `If-Match` is not an ETag Warren handed out.
        InvalidIfMatch = "invalid_if_match", "If-Match is not valid";
        /// `Idempotency-Key` is malformed.
        InvalidIdempotencyKey = "invalid_idempotency_key", "Idempotency-Key is not valid";
        /// Some fields of the body are not valid.
        ValidationFailed = "validation_failed", "Some fields are not valid";
        /// A text that must have words is empty.
        Empty = "empty", "Nothing to save";
        /// No credentials, or credentials that do not hold.
        Unauthorized = "unauthorized", "Sign-in required";
        /// The e-mail address and password do not match.
        InvalidCredentials = "invalid_credentials", "Wrong e-mail address or password";
        /// Both a bearer token and an API key were sent.
        AmbiguousCredentials = "ambiguous_credentials", "Two kinds of credentials";
        /// The access token is not one Warren signed.
        InvalidToken = "invalid_token", "The access token is not valid";
        /// The access token has expired.
        TokenExpired = "token_expired", "The access token has expired";
        /// A one-time token was used already.
        TokenUsed = "token_used", "The link was used already";
        /// The refresh token is unknown or revoked.
        InvalidRefreshToken = "invalid_refresh_token", "The refresh token is not valid";
        /// A refresh token was used twice: its whole chain is revoked.
        RefreshTokenReused = "refresh_token_reused", "The refresh token was used twice";
        /// The session was ended (signed out elsewhere, or idle too long).
        SessionEnded = "session_ended", "The session has ended";
        /// The API key is unknown, revoked or lacks the scope.
        InvalidApiKey = "invalid_api_key", "The API key is not valid";
        /// A live-stream ticket is unknown or expired.
        InvalidTicket = "invalid_ticket", "The stream ticket is not valid";
        /// The caller is known but may not do this.
        Forbidden = "forbidden", "Not allowed";
        /// No such resource, or not one the caller may see.
        NotFound = "not_found", "Not found";
        /// The method is not allowed on this path.
        MethodNotAllowed = "method_not_allowed", "Method not allowed";
        /// Already exists.
        Conflict = "conflict", "Already exists";
        /// A concurrent change got in the way; send the request again.
        ConcurrentChange = "concurrent_change", "A concurrent change got in the way";
        /// The object changed since the caller read it.
        PreconditionFailed = "precondition_failed", "Changed by someone else";
        /// A change was sent without `If-Match`.
        PreconditionRequired = "precondition_required", "If-Match required";
        /// The body is larger than allowed.
        PayloadTooLarge = "payload_too_large", "The body is too large";
        /// The body is not `application/json`.
        UnsupportedMediaType = "unsupported_media_type", "Unsupported media type";
        /// Too many attempts.
        RateLimited = "rate_limited", "Too many attempts";
        /// The database is not answering in time.
        ServiceUnavailable = "service_unavailable", "Service unavailable";
        /// The database's storage refuses writes.
        StorageReadOnly = "storage_read_only", "Storage read-only";
        /// The database's disk is full.
        InsufficientStorage = "insufficient_storage", "Insufficient storage";
        /// A fault of Warren's.
        InternalError = "internal_error", "Internal error";
        /// A move the lifecycle does not have from the current state.
        IllegalTransition = "illegal_transition", "Not possible from the current state";
        /// A release asked for while release criteria are unmet.
        CriteriaUnmet = "criteria_unmet", "Release criteria not met";
        /// A referral is completed by recording its outcome.
        OutcomeRequired = "outcome_required", "The outcome must be recorded";
        /// The referral is closed.
        ReferralClosed = "referral_closed", "The referral is closed";
        /// The organization is not vetted.
        OrganizationNotVetted = "organization_not_vetted", "The organization is not vetted";
        /// The e-mail address belongs to another account.
        EmailTaken = "email_taken", "The e-mail address is taken";
        /// The person is already a member.
        AlreadyMember = "already_member", "Already a member";
        /// The invitation is no longer pending.
        InvitationNotPending = "invitation_not_pending", "The invitation is not pending";
        /// The invitation has expired.
        InvitationExpired = "invitation_expired", "The invitation has expired";
        /// The change would leave the organization without an admin.
        LastAdmin = "last_admin", "The last admin";
        /// The address is confirmed already.
        AlreadyConfirmed = "already_confirmed", "Already confirmed";
        /// The webhook is revoked.
        WebhookRevoked = "webhook_revoked", "The webhook is revoked";
        /// The alert is closed.
        AlertClosed = "alert_closed", "The alert is closed";
        /// The alert is not one that is acknowledged.
        NotAcknowledgeable = "not_acknowledgeable", "Not an alert to acknowledge";
        /// The item is not lendable.
        NotLendable = "not_lendable", "Not lendable";
        /// The item is reserved for overlapping time.
        ReservationOverlap = "reservation_overlap", "Already reserved then";
        /// The reservation conflicts with another.
        ReservationConflict = "reservation_conflict", "Conflicts with a booking";
        /// A more urgent booking holds the time.
        Outranked = "outranked", "A more urgent booking holds the time";
        /// Outside the allowed time window.
        OutsideWindow = "outside_window", "Outside the allowed window";
        /// The loan needs its fulfilment recorded first.
        FulfilmentRequired = "fulfilment_required", "Fulfilment required";
        /// The thing still holds something.
        NotEmpty = "not_empty", "Not empty";
        /// The request is closed.
        RequestClosed = "request_closed", "The request is closed";
        /// The offer is no longer available.
        OfferUnavailable = "offer_unavailable", "The offer is not available";
        /// The offer has expired.
        OfferExpired = "offer_expired", "The offer has expired";
        /// The offer was withdrawn.
        OfferWithdrawn = "offer_withdrawn", "The offer was withdrawn";
        /// The offer is not one made for this request.
        WrongOffer = "wrong_offer", "Not an offer for this request";
        /// The specialist is not accepting consults.
        NotAcceptingConsults = "not_accepting_consults", "Not accepting consults";
        /// A consult on this referral is open already.
        ConsultOpen = "consult_open", "A consult is open";
        /// The article is archived.
        ArticleArchived = "article_archived", "The article is archived";
        /// The referral has no transport leg.
        NoTransport = "no_transport", "No transport";
        /// The transport leg is not open to take.
        TransportNotOpen = "transport_not_open", "The transport is not open";
        /// Someone else has taken the transport leg.
        TransportTaken = "transport_taken", "The transport is taken";
        /// The transport leg changed since it was read.
        TransportChanged = "transport_changed", "The transport changed";
        /// The drive is not the caller's.
        NotYourDrive = "not_your_drive", "Not your drive";
        /// The volunteer lacks a skill the task needs.
        SkillRequired = "skill_required", "A skill is required";
        /// Nothing would change.
        NoChange = "no_change", "Nothing to change";
    }
);

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_reads_back_as_itself() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert_eq!(
                serde_json::to_value(code).ok(),
                Some(serde_json::Value::String(code.as_str().to_owned()))
            );
        }
    }
}
