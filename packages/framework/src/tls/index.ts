export {
  certificateFingerprint,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type PemPair,
  type ServerCertificateOptions,
} from './certificates';
export {
  ensureClusterTls,
  ensureServerCertificate,
  type ClusterTls,
  type ServerCertificateFiles,
} from './cluster-tls';
