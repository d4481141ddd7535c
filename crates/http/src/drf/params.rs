//! `Path` and `Query`: axum's extractors with DRF's answers when they fail, so that no
//! framework rejection escapes as `text/plain`. A path whose parameters cannot be read (not
//! UTF-8 once decoded) names nothing: 404 "Not found.", as Django answers a URL that matches
//! no object; a query string that cannot be read is a 400 `{"detail"}`.

use super::ApiError;
use axum::extract::{FromRequestParts, rejection::QueryRejection};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(super::not_found()),
        }
    }
}

pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(e) => Err(invalid_query(&e)),
        }
    }
}

fn invalid_query(e: &QueryRejection) -> ApiError {
    ApiError::detail(StatusCode::BAD_REQUEST, &e.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use axum::response::IntoResponse;

    #[derive(Debug, serde::Deserialize)]
    struct Page {
        #[allow(dead_code)]
        page: u32,
    }

    #[tokio::test]
    async fn an_unreadable_query_is_drfs_400() {
        let request = Request::builder().uri("/x?page=first").body(Body::empty());
        let (mut parts, _) = request.unwrap().into_parts();
        let Err(e) = Query::<Page>::from_request_parts(&mut parts, &()).await else {
            panic!("\"first\" is no number");
        };
        let response = e.into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["content-type"], "application/json");
    }
}
