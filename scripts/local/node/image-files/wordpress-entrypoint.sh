#!/bin/sh
# The entrypoint of the local stand-in for the `wordpress:*-apache` images, on Debian's WordPress,
# Apache 2.4 and PHP 8.2: the upstream image's contract. On the first start the site is copied into
# /var/www/html (the app's volume) and wp-config.php reads WORDPRESS_DB_HOST, _USER, _PASSWORD and
# _NAME from the environment; Apache serves it on port 80 and runs PHP as www-data.
set -eu
if [ ! -e /var/www/html/wp-includes/version.php ]; then
  # Debian's tree links its config and content elsewhere; the volume gets real files.
  cp -rL /usr/share/wordpress/. /var/www/html/
  rm -f /var/www/html/wp-config.php
  salt() { head -c 48 /dev/urandom | base64 | tr -d '\n/+='; }
  cat > /var/www/html/wp-config.php <<PHP
<?php
define('DB_NAME', getenv('WORDPRESS_DB_NAME') ?: 'wordpress');
define('DB_USER', getenv('WORDPRESS_DB_USER') ?: 'wordpress');
define('DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') ?: '');
define('DB_HOST', getenv('WORDPRESS_DB_HOST') ?: 'mysql');
define('DB_CHARSET', 'utf8mb4');
define('AUTH_KEY', '$(salt)');
define('SECURE_AUTH_KEY', '$(salt)');
define('LOGGED_IN_KEY', '$(salt)');
define('NONCE_KEY', '$(salt)');
define('AUTH_SALT', '$(salt)');
define('SECURE_AUTH_SALT', '$(salt)');
define('LOGGED_IN_SALT', '$(salt)');
define('NONCE_SALT', '$(salt)');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP
  chown -R www-data:www-data /var/www/html
fi
[ "$#" -gt 0 ] || set -- apache2ctl -D FOREGROUND
exec "$@"
