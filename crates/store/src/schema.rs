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

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(sites -> organizations (organization_id));
diesel::joinable!(site_terms -> sites (site_id));
diesel::joinable!(assessments -> organizations (organization_id));
diesel::joinable!(site_changes -> sites (site_id));
diesel::allow_tables_to_appear_in_same_query!(
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
    assessments,
    site_triage_variants,
    audit_log,
    idempotency_keys,
);
