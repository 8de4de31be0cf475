//! Pieces shared by the pages: the layout, alerts, form fields, badges.

mod alert;
mod badge;
mod confirm_button;
mod copy_box;
mod form;
mod layout;
mod loading;
mod org_header;
mod require_sign_in;

pub use alert::{ErrorAlert, SuccessNotice, error_of};
pub use badge::{InvitationBadge, MembershipBadge};
pub use confirm_button::ConfirmButton;
pub use copy_box::CopyBox;
pub use form::{FieldErrors, KindSelect, TextArea, TextField};
pub use layout::{Layout, PLANNED_SECTIONS};
pub use loading::Loading;
pub use org_header::{OrgHeader, OrgTab};
pub use require_sign_in::RequireSignIn;
