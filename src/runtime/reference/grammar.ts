// The reference grammar of Docker's distribution/reference, rebuilt from its documented
// productions so names tstack accepts are exactly the names Docker accepts:
//
//   reference      := name [ ":" tag ] [ "@" digest ]
//   name           := [domain "/"] path-component ["/" path-component]*
//   domain         := host [":" port]          host := domain-name | "[" ipv6 "]"
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator := [_.] | "__" | "-"+
//   tag            := [\w][\w.-]{0,127}
//   digest         := algorithm ":" hex        algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.] ...)*

const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const host = `(?:${domainName}|${ipv6})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const remoteName = `${pathComponent}(?:/${pathComponent})*`;

export const DOMAIN_RE = new RegExp(`^${domainAndPort}$`);
export const PATH_RE = new RegExp(`^${remoteName}$`);
export const TAG_RE = new RegExp(`^${tag}$`);
export const DIGEST_SYNTAX_RE = new RegExp(`^${digest}$`);
// A bare 64-hex string is an image ID, never a repository name (Docker refuses it too).
export const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

// Docker's limit on the repository name (domain + "/" + path), not counting tag or digest.
export const NAME_TOTAL_LENGTH_MAX = 255;
