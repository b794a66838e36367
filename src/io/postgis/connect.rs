//! Opening a connection: the `postgres` client over rustls (the `ring` provider the tile
//! client uses), with libpq's `sslmode` meanings, and the session settings the reader relies on
//! (UTC, ISO dates).

use std::sync::Arc;
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::address::{Address, SslMode};
use super::error::DbError;

/// A connection to one database.
pub struct Connection {
    pub(crate) client: postgres::Client,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connection")
    }
}

impl Connection {
    /// The client itself, for SQL of one's own (the tests set tables up with it).
    pub fn client(&mut self) -> &mut postgres::Client {
        &mut self.client
    }

    /// Whether the server closed the connection (it went away, or ended this session).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The server's process id for this session (tests end it to stand for a lost server).
    pub fn backend_pid(&mut self) -> Result<i32, DbError> {
        Ok(self
            .client
            .query_one("SELECT pg_backend_pid()", &[])?
            .get(0))
    }

    /// Whether this session is encrypted with TLS.
    pub fn uses_tls(&mut self) -> Result<bool, DbError> {
        let row = self.client.query_one(
            "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            &[],
        )?;
        Ok(row.get(0))
    }
}

/// Connect to `address`'s database with `password` (none: the server may not ask for one, and
/// [`DbError::PasswordNeeded`] says when it does). The password is handed to the client and
/// kept nowhere else.
pub fn connect(address: &Address, password: Option<&str>) -> Result<Connection, DbError> {
    let mut config = postgres::Config::new();
    config
        .user(&address.user)
        .dbname(&address.database)
        .port(address.port)
        .application_name("raidmap")
        .connect_timeout(Duration::from_secs(15))
        .ssl_mode(match address.ssl_mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
    if address.host.starts_with('/') {
        config.host_path(&address.host);
    } else {
        config.host(&address.host);
    }
    if let Some(password) = password {
        config.password(password);
    }
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(address)?);
    let mut client = config
        .connect(tls)
        .map_err(|e| DbError::connecting(address, e))?;
    client
        .batch_execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'")
        .map_err(|e| DbError::connecting(address, e))?;
    Ok(Connection { client })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_config(address: &Address) -> Result<rustls::ClientConfig, DbError> {
    let verifier: Arc<dyn ServerCertVerifier> = match address.ssl_mode {
        SslMode::Disable | SslMode::Prefer | SslMode::Require => Arc::new(EncryptOnly(provider())),
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let roots = root_store(address)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| DbError::Tls(format!("cannot use the CA certificates: {e}")))?;
            if address.ssl_mode == SslMode::VerifyCa {
                Arc::new(ChainOnly(webpki))
            } else {
                webpki
            }
        }
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The CAs to trust: `sslrootcert=`, else `PGSSLROOTCERT`, else `~/.postgresql/root.crt`, as
/// libpq looks for them.
fn root_store(address: &Address) -> Result<RootCertStore, DbError> {
    let path = address
        .ssl_root_cert
        .clone()
        .or_else(|| std::env::var_os("PGSSLROOTCERT").map(Into::into))
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".postgresql/root.crt"))
        })
        .ok_or_else(|| {
            DbError::Tls("sslmode=verify-full needs sslrootcert=FILE (the CA's certificate)".into())
        })?;
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(&path).map_err(|e| {
        DbError::Tls(format!(
            "cannot read the CA certificates in {}: {e}",
            path.display()
        ))
    })?;
    for cert in certs {
        let cert = cert.map_err(|e| {
            DbError::Tls(format!(
                "cannot read the CA certificates in {}: {e}",
                path.display()
            ))
        })?;
        roots
            .add(cert)
            .map_err(|e| DbError::Tls(format!("bad CA certificate in {}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(DbError::Tls(format!(
            "no certificate in {} (sslrootcert)",
            path.display()
        )));
    }
    Ok(roots)
}

/// `sslmode=require`/`prefer`: the connection is encrypted (the handshake's signatures are
/// checked) but the certificate is not, as libpq does for these modes.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted CA; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
