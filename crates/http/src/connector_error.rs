//! Conversion of transport errors into the connector SDK's error type.

use atsbridge_connector::{ConnectorError, ErrorKind};

use crate::error::{ErrorStatus, HttpError, HttpErrorKind};

impl From<HttpError> for ConnectorError {
    fn from(error: HttpError) -> Self {
        let kind = match error.kind() {
            HttpErrorKind::Unauthenticated => ErrorKind::Unauthenticated,
            HttpErrorKind::PermissionDenied => ErrorKind::PermissionDenied,
            HttpErrorKind::NotFound => ErrorKind::NotFound,
            HttpErrorKind::RateLimited { .. } => ErrorKind::RateLimited {
                retry_after: error.retry_after(),
            },
            HttpErrorKind::InvalidRequest => ErrorKind::InvalidInput,
            HttpErrorKind::Conflict => ErrorKind::AlreadyExists,
            HttpErrorKind::ProviderUnavailable => ErrorKind::ProviderUnavailable,
            HttpErrorKind::ProviderError { status } => ErrorKind::ProviderError { status },
            HttpErrorKind::Transport | HttpErrorKind::Decode => ErrorKind::Transport,
            HttpErrorKind::Timeout | HttpErrorKind::Deadline => ErrorKind::Timeout,
            HttpErrorKind::Config => ErrorKind::Config,
        };
        let status = match error.status() {
            ErrorStatus::Permanent => atsbridge_connector::ErrorStatus::Permanent,
            ErrorStatus::Temporary => atsbridge_connector::ErrorStatus::Temporary,
            ErrorStatus::Persistent => atsbridge_connector::ErrorStatus::Persistent,
        };
        let mut converted = ConnectorError::new(kind, error.render_detail()).with_status(status);
        if let Some(provider) = error.provider() {
            converted = converted.with_provider(provider);
        }
        if let (Some(method), Some(path)) = (error.method(), error.path()) {
            converted = converted.with_request(method.as_str(), path);
        }
        if let Some(http_status) = error.http_status() {
            converted = converted.with_provider_status(http_status.as_u16());
        }
        converted
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::{Method, StatusCode};

    use super::*;

    #[test]
    fn keeps_kind_status_retry_hint_and_context() {
        let error = HttpError::new(
            HttpErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(9)),
            },
            "",
        )
        .with_status(ErrorStatus::Persistent)
        .with_provider("erecruiter")
        .with_request(Method::GET, "/Api/Job/3")
        .with_response(StatusCode::TOO_MANY_REQUESTS, Some("slow down".into()));

        let converted = ConnectorError::from(error);

        assert_eq!(
            converted.kind(),
            &ErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(9))
            }
        );
        assert_eq!(
            converted.status(),
            atsbridge_connector::ErrorStatus::Persistent
        );
        let context = converted.context();
        assert_eq!(context.provider.as_deref(), Some("erecruiter"));
        assert_eq!(context.method.as_deref(), Some("GET"));
        assert_eq!(context.path.as_deref(), Some("/Api/Job/3"));
        assert_eq!(context.provider_status, Some(429));
        assert!(converted.message().contains("slow down"), "{converted}");
    }

    #[test]
    fn maps_every_kind() {
        let cases = [
            (HttpErrorKind::Unauthenticated, ErrorKind::Unauthenticated),
            (HttpErrorKind::PermissionDenied, ErrorKind::PermissionDenied),
            (HttpErrorKind::NotFound, ErrorKind::NotFound),
            (HttpErrorKind::InvalidRequest, ErrorKind::InvalidInput),
            (HttpErrorKind::Conflict, ErrorKind::AlreadyExists),
            (
                HttpErrorKind::ProviderUnavailable,
                ErrorKind::ProviderUnavailable,
            ),
            (
                HttpErrorKind::ProviderError { status: 418 },
                ErrorKind::ProviderError { status: 418 },
            ),
            (HttpErrorKind::Transport, ErrorKind::Transport),
            (HttpErrorKind::Decode, ErrorKind::Transport),
            (HttpErrorKind::Timeout, ErrorKind::Timeout),
            (HttpErrorKind::Deadline, ErrorKind::Timeout),
            (HttpErrorKind::Config, ErrorKind::Config),
        ];
        for (http_kind, expected) in cases {
            let error = HttpError::new(http_kind, "x");
            let temporary = error.is_temporary();
            let converted = ConnectorError::from(error);
            assert_eq!(converted.kind(), &expected, "{http_kind:?}");
            assert_eq!(converted.is_temporary(), temporary, "{http_kind:?}");
        }
    }
}
