//! The tables, as diesel sees them; identical on SQLite and PostgreSQL.

#![expect(missing_docs, reason = "generated-style table declarations")]

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        membership -> Text,
        website -> Nullable<Text>,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        email_confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    memberships (user_id, organization_id) {
        user_id -> Text,
        organization_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sites (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        address -> Text,
        town -> Text,
        postcode -> Text,
        latitude -> Double,
        longitude -> Double,
        public_phone -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        country -> Text,
        timezone -> Text,
        private_phone -> Nullable<Text>,
        public_email -> Nullable<Text>,
        referral_name -> Nullable<Text>,
        referral_phone -> Nullable<Text>,
        referral_email -> Nullable<Text>,
        opening_hours -> Nullable<Text>,
        cover_site_id -> Nullable<Text>,
        cover_name -> Nullable<Text>,
        cover_phone -> Nullable<Text>,
        max_weight_grams -> Nullable<Integer>,
        no_wildlife -> Bool,
        referral_only -> Bool,
        deposit_required -> Bool,
        limitation_notes -> Nullable<Text>,
        capacity -> Nullable<Text>,
        capacity_expires_at -> Nullable<Timestamp>,
        capacity_declared_at -> Nullable<Timestamp>,
        capacity_declared_by -> Nullable<Text>,
        assured_at -> Nullable<Timestamp>,
        assured_by -> Nullable<Text>,
        next_audit_due -> Timestamp,
    }
}

diesel::table! {
    taxonomy_terms (taxonomy, code) {
        taxonomy -> Text,
        code -> Text,
        label -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    site_terms (site_id, taxonomy, code) {
        site_id -> Text,
        taxonomy -> Text,
        code -> Text,
    }
}

diesel::table! {
    site_changes (id) {
        id -> BigInt,
        site_id -> Text,
        at -> Timestamp,
        actor -> Text,
        actor_user_id -> Nullable<Text>,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
    }
}

diesel::table! {
    triage_protocols (version) {
        version -> Integer,
        body -> Text,
        changes -> Text,
        published_at -> Timestamp,
        published_by -> Text,
    }
}

diesel::table! {
    triage_protocol_revisions (code) {
        code -> Text,
        applied_at -> Timestamp,
        protocol_version -> Nullable<Integer>,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        organization_id -> Text,
        assessed_by -> Text,
        assessed_by_user_id -> Nullable<Text>,
        assessed_at -> Timestamp,
        species -> Text,
        patient -> Nullable<Text>,
        answers -> Text,
        result -> Text,
        protocol_version -> Integer,
        tier -> Integer,
        destinations -> Text,
        variant_site_id -> Nullable<Text>,
    }
}

diesel::table! {
    site_triage_variants (site_id) {
        site_id -> Text,
        body -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    directory_state (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        actor_user_id -> Nullable<Text>,
        actor_api_key_id -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        organization_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    idempotency_keys (principal, idempotency_key) {
        principal -> Text,
        idempotency_key -> Text,
        fingerprint -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        case_id -> Text,
        status -> Text,
        business_status -> Nullable<Text>,
        priority -> Integer,
        referrer_org_id -> Text,
        referrer_site_id -> Nullable<Text>,
        receiver_org_id -> Text,
        receiver_site_id -> Text,
        assignee_user_id -> Nullable<Text>,
        assignee_name -> Nullable<Text>,
        species -> Text,
        patient -> Text,
        contact -> Nullable<Text>,
        reason -> Text,
        history -> Nullable<Text>,
        medications -> Nullable<Text>,
        allergies -> Nullable<Text>,
        assessment_id -> Nullable<Text>,
        triage -> Nullable<Text>,
        capabilities -> Text,
        reject_reason -> Nullable<Text>,
        reject_note -> Nullable<Text>,
        outcome -> Nullable<Text>,
        outcome_by -> Nullable<Text>,
        outcome_at -> Nullable<Timestamp>,
        transport -> Nullable<Text>,
        escalated_from -> Nullable<Text>,
        escalation_level -> Integer,
        cover_tried -> Bool,
        created_by -> Text,
        created_by_user_id -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        first_vet_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        answer_due_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        version -> BigInt,
        transport_status -> Nullable<Text>,
        transport_driver_id -> Nullable<Text>,
        follow_up_due -> Nullable<Date>,
        transport_shared -> Bool,
        transport_needed_by -> Nullable<Timestamp>,
        transport_late_alerted -> Bool,
        record_id -> Nullable<Text>,
        contact_erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    referral_events (id) {
        id -> BigInt,
        referral_id -> Text,
        at -> Timestamp,
        actor -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    referral_messages (id) {
        id -> Text,
        referral_id -> Text,
        author -> Text,
        author_user_id -> Nullable<Text>,
        organization_id -> Text,
        body -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    referral_settings (id) {
        id -> Integer,
        answer_times -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    privacy_settings (id) {
        id -> Integer,
        contact_retention_days -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    transport_settings (id) {
        id -> Integer,
        share_with_network -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        organization_id -> Text,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        created_at -> Timestamp,
        created_by -> Text,
        description -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        kind -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        redelivery_of -> Nullable<Text>,
    }
}

diesel::table! {
    items (id) {
        id -> Text,
        owner_org_id -> Text,
        home_site_id -> Text,
        category -> Text,
        name -> Text,
        description -> Nullable<Text>,
        suitability -> Text,
        condition -> Text,
        status -> Text,
        terms_text -> Text,
        terms_version -> Integer,
        max_loan_days -> Integer,
        auto_approve -> Bool,
        last_returned_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    maintenance_plans (id) {
        id -> Text,
        item_id -> Text,
        kind -> Text,
        interval_days -> Nullable<Integer>,
        blocking -> Bool,
        last_done_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    maintenance_records (id) {
        id -> Text,
        plan_id -> Text,
        item_id -> Text,
        done_at -> Timestamp,
        recorded_by -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reservations (id) {
        id -> Text,
        item_id -> Text,
        owner_org_id -> Text,
        borrower_org_id -> Text,
        borrower_site_id -> Nullable<Text>,
        requested_by -> Text,
        requested_by_user_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        tier -> Integer,
        assessment_id -> Nullable<Text>,
        referral_id -> Nullable<Text>,
        justification -> Nullable<Text>,
        decision -> Text,
        decision_reason -> Text,
        displaced_by -> Nullable<Text>,
        offered_starts_at -> Nullable<Timestamp>,
        offered_ends_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        terms_version -> Nullable<Integer>,
        terms_accepted_by -> Nullable<Text>,
        terms_accepted_at -> Nullable<Timestamp>,
        checkout_report -> Nullable<Text>,
        checked_out_at -> Nullable<Timestamp>,
        return_report -> Nullable<Text>,
        returned_at -> Nullable<Timestamp>,
        requested_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    reservation_events (id) {
        id -> BigInt,
        reservation_id -> Text,
        at -> Timestamp,
        actor -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    supply_offers (id) {
        id -> Text,
        organization_id -> Text,
        pickup_site_id -> Text,
        item -> Text,
        description -> Nullable<Text>,
        quantity -> Integer,
        remaining -> Integer,
        unit -> Text,
        expires_on -> Nullable<Date>,
        created_by -> Text,
        created_by_user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    supply_requests (id) {
        id -> Text,
        offer_id -> Text,
        organization_id -> Text,
        quantity -> Integer,
        fulfilled -> Integer,
        priority -> Integer,
        note -> Nullable<Text>,
        status -> Text,
        requested_by -> Text,
        requested_by_user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        organization_id -> Text,
        visibility -> Text,
        kind -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        species -> Text,
        topics -> Text,
        body_markdown -> Text,
        tag_text -> Text,
        search_text -> Text,
        created_by -> Text,
        created_by_user_id -> Nullable<Text>,
        updated_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        archived_by -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    article_versions (article_id, number) {
        article_id -> Text,
        number -> BigInt,
        kind -> Text,
        visibility -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        species -> Text,
        topics -> Text,
        body_markdown -> Text,
        change_note -> Text,
        author -> Text,
        author_user_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    article_tags (article_id, kind, code) {
        article_id -> Text,
        kind -> Text,
        code -> Text,
    }
}

diesel::table! {
    volunteer_profiles (user_id) {
        user_id -> Text,
        skills -> Text,
        availability -> Text,
        timezone -> Text,
        area -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        radius_km -> Nullable<Integer>,
        has_vehicle -> Bool,
        notes -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    foster_placements (id) {
        id -> Text,
        organization_id -> Text,
        volunteer_user_id -> Text,
        referral_id -> Nullable<Text>,
        species -> Text,
        animal_name -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        status -> Text,
        notes -> Nullable<Text>,
        status_note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    patient_records (id) {
        id -> Text,
        species -> Text,
        name -> Text,
        sex -> Text,
        age_class -> Text,
        identifiers -> Text,
        stage -> Text,
        stage_at -> Timestamp,
        follow_up_due -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    patient_holders (record_id, organization_id, since) {
        record_id -> Text,
        organization_id -> Text,
        since -> Timestamp,
        until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    patient_entries (id) {
        id -> Text,
        record_id -> Text,
        organization_id -> Text,
        author -> Text,
        at -> Timestamp,
        kind -> Text,
        details -> Text,
        resolved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    care_stages (id) {
        id -> Text,
        record_id -> Text,
        stage -> Text,
        at -> Timestamp,
        organization_id -> Text,
        author -> Text,
        note -> Nullable<Text>,
        override_reason -> Nullable<Text>,
    }
}

diesel::table! {
    rehab_plans (record_id) {
        record_id -> Text,
        title -> Text,
        started_on -> Date,
        milestone_article_id -> Nullable<Text>,
        criteria_article_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plan_items (id) {
        id -> Text,
        record_id -> Text,
        kind -> Text,
        position -> Integer,
        text -> Text,
        target_day -> Nullable<Integer>,
        met_on -> Nullable<Date>,
        note -> Nullable<Text>,
        met_by -> Nullable<Text>,
    }
}

diesel::joinable!(patient_holders -> organizations (organization_id));
diesel::joinable!(patient_entries -> organizations (organization_id));
diesel::joinable!(care_stages -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(sites -> organizations (organization_id));
diesel::joinable!(site_terms -> sites (site_id));
diesel::joinable!(assessments -> organizations (organization_id));
diesel::joinable!(site_changes -> sites (site_id));
diesel::joinable!(referral_events -> referrals (referral_id));
diesel::joinable!(referral_messages -> referrals (referral_id));
diesel::joinable!(referral_messages -> organizations (organization_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(supply_requests -> supply_offers (offer_id));
diesel::joinable!(articles -> organizations (organization_id));
diesel::joinable!(article_versions -> articles (article_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(volunteer_profiles -> users (user_id));
diesel::joinable!(foster_placements -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(
    items,
    maintenance_plans,
    maintenance_records,
    reservations,
    reservation_events,
    organizations,
    users,
    memberships,
    refresh_tokens,
    invitations,
    api_keys,
    sites,
    taxonomy_terms,
    site_terms,
    site_changes,
    directory_state,
    triage_protocols,
    triage_protocol_revisions,
    assessments,
    site_triage_variants,
    audit_log,
    idempotency_keys,
    referrals,
    referral_events,
    referral_messages,
    referral_settings,
    transport_settings,
    webhook_endpoints,
    webhook_deliveries,
    supply_offers,
    supply_requests,
    articles,
    article_versions,
    article_tags,
    volunteer_profiles,
    foster_placements,
);

diesel::table! {
    specialist_profiles (user_id) {
        user_id -> Text,
        organization_id -> Text,
        species -> Text,
        disciplines -> Text,
        summary -> Nullable<Text>,
        availability -> Text,
        accepting_consults -> Bool,
        rotation_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    specialist_tags (user_id, kind, code) {
        user_id -> Text,
        kind -> Text,
        code -> Text,
    }
}

diesel::table! {
    consults (id) {
        id -> Text,
        referral_id -> Text,
        specialist_user_id -> Text,
        specialist_name -> Text,
        specialist_organization_id -> Text,
        requester_organization_id -> Text,
        requester_user_id -> Nullable<Text>,
        requester_name -> Text,
        question -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(specialist_tags -> specialist_profiles (user_id));
diesel::allow_tables_to_appear_in_same_query!(specialist_profiles, specialist_tags, consults);
diesel::allow_tables_to_appear_in_same_query!(specialist_profiles, users);
diesel::allow_tables_to_appear_in_same_query!(specialist_profiles, organizations);
diesel::allow_tables_to_appear_in_same_query!(specialist_profiles, memberships);
diesel::allow_tables_to_appear_in_same_query!(consults, referrals);

diesel::table! {
    on_call_rotas (site_id) {
        site_id -> Text,
        organization_id -> Text,
        shifts -> Text,
        overrides -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    alert_settings (id) {
        id -> Integer,
        acknowledge_times -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    alert_chains (id) {
        id -> Text,
        kind -> Text,
        organization_id -> Text,
        site_id -> Nullable<Text>,
        first_user_id -> Nullable<Text>,
        referral_id -> Nullable<Text>,
        subject_type -> Text,
        subject_id -> Text,
        tier -> Integer,
        title -> Text,
        body -> Text,
        link -> Text,
        step -> Integer,
        next_step_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by_user_id -> Nullable<Text>,
        acknowledged_by -> Nullable<Text>,
        acknowledged_via -> Nullable<Text>,
        exhausted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        closed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    alerts (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        recipient_name -> Text,
        email -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        kind -> Text,
        urgent -> Bool,
        title -> Text,
        body -> Text,
        link -> Text,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        referral_id -> Nullable<Text>,
        chain_id -> Nullable<Text>,
        chain_step -> Nullable<Integer>,
        dedupe_key -> Nullable<Text>,
        delivery -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        acknowledged_at -> Nullable<Timestamp>,
        ack_token_hash -> Nullable<Text>,
        ack_token_used_at -> Nullable<Timestamp>,
        digested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    alert_preferences (user_id) {
        user_id -> Text,
        modes -> Text,
        quiet_hours -> Nullable<Text>,
        timezone -> Text,
        digest_hour -> Integer,
        last_digest_on -> Nullable<Date>,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        channel -> Text,
        message_id -> Text,
        purpose -> Text,
        alert_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        address -> Text,
        recipient_name -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        unsubscribe_url -> Nullable<Text>,
        link -> Nullable<Text>,
        secret -> Bool,
        urgent -> Bool,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(alerts -> alert_chains (chain_id));
diesel::allow_tables_to_appear_in_same_query!(
    alert_chains,
    alerts,
    on_call_rotas,
    alert_preferences,
    outbox_messages,
    account_tokens,
);
diesel::allow_tables_to_appear_in_same_query!(alert_chains, users);
diesel::allow_tables_to_appear_in_same_query!(alert_chains, memberships);
diesel::allow_tables_to_appear_in_same_query!(alert_chains, sites);
diesel::allow_tables_to_appear_in_same_query!(alerts, users);
diesel::allow_tables_to_appear_in_same_query!(alerts, memberships);
diesel::allow_tables_to_appear_in_same_query!(on_call_rotas, users);
diesel::allow_tables_to_appear_in_same_query!(on_call_rotas, sites);
diesel::allow_tables_to_appear_in_same_query!(alert_preferences, users);
diesel::allow_tables_to_appear_in_same_query!(alert_preferences, memberships);
diesel::joinable!(alert_preferences -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(outbox_messages, users);
diesel::allow_tables_to_appear_in_same_query!(account_tokens, users);

diesel::table! {
    gazetteer_entries (id) {
        id -> BigInt,
        kind -> Text,
        country -> Text,
        name -> Text,
        name_key -> Text,
        postcode -> Nullable<Text>,
        postcode_key -> Nullable<Text>,
        outward_key -> Nullable<Text>,
        admin_area -> Nullable<Text>,
        latitude -> Double,
        longitude -> Double,
        population -> Nullable<BigInt>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        referral_id -> Text,
        message_id -> Nullable<Text>,
        consult_id -> Nullable<Text>,
        organization_id -> Text,
        uploaded_by -> Text,
        uploaded_by_user_id -> Nullable<Text>,
        caption -> Nullable<Text>,
        file_name -> Text,
        media_type -> Text,
        kind -> Text,
        size -> BigInt,
        sha256 -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        thumbnail_sha256 -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(attachments -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(attachments, organizations);
diesel::allow_tables_to_appear_in_same_query!(attachments, referrals);
diesel::allow_tables_to_appear_in_same_query!(attachments, consults);

diesel::table! {
    status_links (id) {
        id -> Text,
        case_id -> Text,
        referral_id -> Text,
        organization_id -> Text,
        token_hash -> Text,
        label -> Nullable<Text>,
        what_to_bring -> Nullable<Text>,
        share_updates -> Bool,
        share_outcome -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    status_updates (id) {
        id -> Text,
        case_id -> Text,
        organization_id -> Text,
        body -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(status_updates -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(status_updates, organizations);
diesel::allow_tables_to_appear_in_same_query!(
    patient_records,
    patient_holders,
    patient_entries,
    care_stages,
    rehab_plans,
    plan_items,
);
diesel::allow_tables_to_appear_in_same_query!(patient_records, organizations);
diesel::allow_tables_to_appear_in_same_query!(patient_records, referrals);
diesel::allow_tables_to_appear_in_same_query!(patient_holders, organizations);
diesel::allow_tables_to_appear_in_same_query!(patient_entries, organizations);
diesel::allow_tables_to_appear_in_same_query!(care_stages, organizations);
diesel::allow_tables_to_appear_in_same_query!(rehab_plans, organizations);
diesel::allow_tables_to_appear_in_same_query!(plan_items, organizations);

diesel::table! {
    rate_limit_windows (bucket, key, window_start) {
        bucket -> Text,
        key -> Text,
        window_start -> BigInt,
        hits -> BigInt,
    }
}
