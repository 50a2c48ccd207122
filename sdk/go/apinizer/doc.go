// Manage Apinizer connections: EmailConnection, DatabaseConnection, LdapConnection, KafkaConnection, RabbitMqConnection, ActiveMqConnection, ElasticsearchConnection, FtpConnection, GraylogConnection, SyslogConnection, WebhookConnection, LogbackConnection, SnmpConnection, LinuxScriptConnection.
package apinizer
