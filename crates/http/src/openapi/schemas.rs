//! The shapes both dialects share on the wire, as schemas of the document: DRF's errors
//! (`{"field": ["…"]}`, `{"detail": "…"}`), SimpleJWT's token errors, token pairs, sessions and
//! two-factor answers. The handlers read bodies field by field (`drf::Fields`) and answer
//! `json!` values, so these types exist for the document alone and are never built.
#![allow(dead_code)]

use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// DRF's refusal in words: `{"detail": "…"}`, with a machine-readable `code` on some
/// (SimpleJWT's, the admin API's).
#[derive(ToSchema)]
#[schema(example = json!({"detail": "Not found."}))]
pub struct Detail {
    detail: String,
    code: Option<String>,
}

/// A 500: nothing internal, and the request id to quote when reporting it.
#[derive(ToSchema)]
#[schema(example = json!({"detail": "A server error occurred.", "request_id": "4b0f…"}))]
pub struct ServerError {
    detail: String,
    request_id: String,
}

/// One message of SimpleJWT's token refusal.
#[derive(ToSchema)]
pub struct TokenMessage {
    token_class: String,
    token_type: String,
    message: String,
}

/// A refused bearer token: `{"detail", "code"}`, and SimpleJWT's `messages` when the token
/// itself was not valid.
#[derive(ToSchema)]
#[schema(example = json!({
    "detail": "Given token not valid for any token type",
    "code": "token_not_valid",
    "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is expired"}]
}))]
pub struct TokenError {
    detail: String,
    code: Option<String>,
    messages: Option<Vec<TokenMessage>>,
}

/// DRF's validation errors: each field named with its messages, `non_field_errors` for the
/// body as a whole. A dialect may add a string beside them (the Auth API's `"Error": "Invalid
/// data"`, `detail`, `message`).
pub struct FieldErrors;

impl PartialSchema for FieldErrors {
    fn schema() -> RefOr<Schema> {
        let messages = ArrayBuilder::new().items(String::schema());
        let value = AnyOfBuilder::new().item(messages).item(String::schema());
        ObjectBuilder::new()
            .additional_properties(Some(Schema::from(value.build())))
            .examples([serde_json::json!({"email": ["Enter a valid email address."]})])
            .into()
    }
}

impl ToSchema for FieldErrors {}

/// A 400 in DRF's shapes: field errors, a `detail`, or (Djoser's `resend_activation/`) a bare
/// list of messages.
pub struct Invalid;

impl PartialSchema for Invalid {
    fn schema() -> RefOr<Schema> {
        let list = ArrayBuilder::new().items(String::schema());
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(FieldErrors::name()))
            .item(Ref::from_schema_name(Detail::name()))
            .item(list)
            .into()
    }
}

impl ToSchema for Invalid {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((FieldErrors::name().into(), FieldErrors::schema()));
        schemas.push((Detail::name().into(), Detail::schema()));
    }
}

/// An empty JSON object, `{}`.
pub struct Empty;

impl PartialSchema for Empty {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
            .into()
    }
}

impl ToSchema for Empty {}

/// `{"refresh": "…"}`
#[derive(ToSchema)]
pub struct RefreshBody {
    refresh: String,
}

/// `{"ticket": "…"}`: a login challenge's ticket, to have its code mailed.
#[derive(ToSchema)]
pub struct TicketBody {
    ticket: String,
}

/// The second step of a login: the challenge's ticket and one second factor (a code from the
/// authenticator app or the mail, as `code` or `otp`, or a recovery code).
#[derive(ToSchema)]
pub struct SecondStepBody {
    ticket: String,
    code: Option<String>,
    otp: Option<String>,
    recovery_code: Option<String>,
}

/// `{"code": "123456"}`
#[derive(ToSchema)]
pub struct CodeBody {
    code: String,
}

/// 202: the password was right; no tokens until the second factor is given with the ticket.
#[derive(ToSchema)]
pub struct Challenge {
    detail: String,
    ticket: String,
    /// `totp`, `email`, `recovery_code`: the second factors this account has.
    methods: Vec<String>,
    /// Seconds the ticket stays valid.
    expires_in: i64,
    enrolment_pending: bool,
    hint: Option<String>,
    /// The Auth API's own key.
    message: Option<String>,
}

/// One of the caller's sessions (a refresh-token family).
#[derive(ToSchema)]
pub struct Session {
    id: String,
    /// Unix seconds.
    created_at: i64,
    last_used_at: i64,
    expires_at: i64,
    user_agent: String,
    ip: String,
    /// The session the presented access token belongs to.
    current: bool,
}

/// The caller's two-factor state.
#[derive(ToSchema, serde::Serialize)]
pub struct TwoFactorStatus {
    two_fa_enabled: bool,
    enrolment_pending: bool,
    methods: Vec<String>,
    recovery_codes_left: i64,
}

/// A TOTP enrolment to confirm with the app's first code.
#[derive(ToSchema)]
pub struct Enrolment {
    secret: String,
    /// The otpauth:// URI (the original's key).
    otp_uri: String,
    otpauth_url: String,
    device_id: i64,
    /// The URI as a QR code, SVG.
    qr_svg: String,
    /// With `?qr=png`: the QR code as a `data:image/png;base64,…` URL.
    qr_png: Option<String>,
}

/// 2FA is on; the recovery codes are shown this once.
#[derive(ToSchema)]
pub struct Confirmed {
    two_fa_enabled: bool,
    recovery_codes: Vec<String>,
}

/// `{"two_fa_enabled": false}`
#[derive(ToSchema)]
pub struct Disabled {
    two_fa_enabled: bool,
}

/// New recovery codes; the old ones are void.
#[derive(ToSchema)]
pub struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

/// The profile fields both dialects' user records carry.
#[derive(ToSchema, serde::Serialize)]
pub struct Profile {
    #[schema(max_length = 150)]
    first_name: Option<String>,
    #[schema(max_length = 150)]
    last_name: Option<String>,
    #[schema(max_length = 20)]
    phone: Option<String>,
    #[schema(max_length = 255)]
    address_line_1: Option<String>,
    #[schema(max_length = 255)]
    address_line_2: Option<String>,
    #[schema(max_length = 255)]
    city: Option<String>,
    #[schema(max_length = 255)]
    state: Option<String>,
    #[schema(max_length = 20)]
    postcode: Option<String>,
    #[schema(max_length = 255)]
    country: Option<String>,
}

/// Any JSON object (the data export, a JWK, an event's details).
#[derive(serde::Serialize)]
pub struct AnyObject;

impl PartialSchema for AnyObject {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
            .into()
    }
}

impl ToSchema for AnyObject {}
