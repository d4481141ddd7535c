//! The answers many operations share, as reusable responses of the document, and the pass
//! that adds to each operation those it has by construction: 500 and 503 to every one, the
//! body's refusals (400, 408, 413, 415) to every one that reads a body, 401 to every one that
//! wants a bearer token.

use super::schemas::{Detail, Invalid, ServerError, TokenError};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa::{PartialSchema, ToResponse, ToSchema};

/// A JSON answer of `schema`, described.
fn json(description: &str, schema: RefOr<utoipa::openapi::schema::Schema>) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(schema)))
}

fn seconds_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(Object::with_type(Type::Integer)))
        .description(Some(description))
        .build()
}

fn detail() -> RefOr<utoipa::openapi::schema::Schema> {
    Ref::from_schema_name(Detail::name()).into()
}

/// A reusable response: a unit type naming it, and how it is built.
macro_rules! reusable {
    ($(#[$doc:meta])* $name:ident => $build:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), $build.into())
            }
        }
    };
}

reusable!(
    /// 429: a rate limit refused the call; `Retry-After` says when to try again.
    Throttled => json(
        "A rate limit refused the call: `{\"detail\": \"Request was throttled. Expected available in N seconds.\"}`",
        detail(),
    )
    .header("Retry-After", seconds_header("seconds until the limit lets the call through"))
);
reusable!(
    /// 401: no bearer token, or one that is not valid (SimpleJWT's and DRF's shapes).
    Unauthenticated => json(
        "No valid bearer token: DRF's `Authentication credentials were not provided.`, or SimpleJWT's `token_not_valid` with its `messages`, `user_not_found`, `user_inactive`",
        Ref::from_schema_name(TokenError::name()).into(),
    )
    .header("WWW-Authenticate", HeaderBuilder::new().description(Some("`Bearer realm=\"api\"`")).build())
);
reusable!(
    /// 400 for any body: not JSON, a form or multipart; not an object; or fields refused.
    BadBody => json(
        "The body could not be read (malformed JSON, not an object) or its fields were refused, in DRF's shapes",
        Ref::from_schema_name(Invalid::name()).into(),
    )
);
reusable!(
    /// 408: the body did not arrive within `TESSERA_BODY_TIMEOUT`.
    BodyTimeout => json("The request body did not arrive in time", detail())
);
reusable!(
    /// 413: a body over 64 KiB.
    BodyTooLarge => json("The request body is over 64 KiB", detail())
);
reusable!(
    /// 415: a body that is neither JSON, a URL-encoded form nor multipart.
    UnsupportedBody => json(
        "The body is neither `application/json`, `application/x-www-form-urlencoded` nor `multipart/form-data`",
        detail(),
    )
);
reusable!(
    /// 500: nothing internal is said; the request id is the one in the log.
    InternalError => json(
        "An internal failure (logged once, with this request id)",
        Ref::from_schema_name(ServerError::name()).into(),
    )
);
reusable!(
    /// 503: the database did not answer in time.
    Unavailable => json(
        "The database did not answer in time: `{\"detail\": \"Service temporarily unavailable, try again later.\"}`",
        detail(),
    )
    .header("Retry-After", seconds_header("seconds to wait"))
);

/// The reusable responses, for the document's components.
pub fn all() -> Vec<(String, RefOr<Response>)> {
    [
        Throttled::response(),
        Unauthenticated::response(),
        BadBody::response(),
        BodyTimeout::response(),
        BodyTooLarge::response(),
        UnsupportedBody::response(),
        InternalError::response(),
        Unavailable::response(),
    ]
    .into_iter()
    .map(|(name, response)| (name.to_owned(), response))
    .collect()
}

/// The schemas the reusable responses name.
pub fn schemas() -> Vec<(String, RefOr<utoipa::openapi::schema::Schema>)> {
    let mut schemas = vec![
        (Detail::name().into(), Detail::schema()),
        (ServerError::name().into(), ServerError::schema()),
        (TokenError::name().into(), TokenError::schema()),
        (Invalid::name().into(), Invalid::schema()),
    ];
    TokenError::schemas(&mut schemas);
    Invalid::schemas(&mut schemas);
    schemas
}

/// Every operation of `doc`, mutably.
pub fn operations(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(item_operations)
}

pub fn item_operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Add to each operation the answers it has by construction (when it does not say its own).
pub fn add_shared(doc: &mut OpenApi) {
    for op in operations(doc) {
        let mut shared = vec![("500", "InternalError"), ("503", "Unavailable")];
        if op.request_body.is_some() {
            shared.extend([
                ("400", "BadBody"),
                ("408", "BodyTimeout"),
                ("413", "BodyTooLarge"),
                ("415", "UnsupportedBody"),
            ]);
        }
        if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
            shared.push(("401", "Unauthenticated"));
        }
        for (status, name) in shared {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| Ref::from_response_name(name).into());
        }
    }
}
