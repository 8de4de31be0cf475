//! Command-line administration: the first network admin.

use warren_domain::{Email, OrgName, Password, PersonName};
use warren_store::{Store, StoreError, accounts};

use crate::auth::hash_password;
use crate::error::ApiError;
use warren_wire::ErrorCode;

/// Creates a network admin as a member of the coordinating organization
/// `organization` (created, vetted, if no organization has that name).
pub fn create_network_admin(
    store: &Store,
    email: &str,
    name: &str,
    password: &str,
    organization: &str,
) -> Result<(), ApiError> {
    let email =
        Email::parse(email).map_err(|error| ApiError::invalid_field("email", error.to_string()))?;
    let name = PersonName::parse(name)
        .map_err(|error| ApiError::invalid_field("name", error.to_string()))?;
    let password = Password::parse(password)
        .map_err(|error| ApiError::invalid_field("password", error.to_string()))?;
    let organization = OrgName::parse(organization)
        .map_err(|error| ApiError::invalid_field("organization", error.to_string()))?;
    let hash = hash_password(password.as_str())?;
    store.write(|connection| {
        accounts::create_network_admin(connection, &email, &name, &hash, &organization).map_err(
            |error| match error {
                StoreError::Conflict(rule) if rule == "users.email" => ApiError::conflict(
                    ErrorCode::EmailTaken,
                    "An account with this e-mail address exists already.",
                ),
                other => other.into(),
            },
        )?;
        Ok(())
    })
}
