package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Key is one setting: its name in the file ("section.key"), its environment variable,
// its flag (empty when it has none) and what it means, in Vietnamese then English.
type Key struct {
	Name string
	Env  string
	Flag string
	Vi   string
	En   string
	// Secret keys may carry a password (database URLs): their values are redacted.
	Secret bool
	field  func(*Config) any // a pointer to the field: *string, *bool, *int64, *time.Duration or *[]string
}

// keys lists every setting, in the order of the example file.
var keys = []Key{
	{Name: "environment", Env: "MOTCUA_ENV", Flag: "env",
		Vi:    "Môi trường: development (phát triển) hoặc production (vận hành thật, kiểm tra chặt hơn: không dữ liệu minh họa, cookie chỉ qua HTTPS, đường dẫn SQLite tuyệt đối).",
		En:    "development or production (production refuses demo data, cookies over plain HTTP and a relative SQLite path).",
		field: func(c *Config) any { return &c.Environment }},

	{Name: "database.url", Env: "MOTCUA_DB", Flag: "db", Secret: true,
		Vi:    "CSDL: đường dẫn tệp SQLite hoặc postgres://người-dùng:mật-khẩu@máy:5432/tên-csdl. Nên đặt mật khẩu bằng biến môi trường MOTCUA_DB, không ghi trong tệp này.",
		En:    "Database: a SQLite file path or a postgres:// URL. Prefer the MOTCUA_DB environment variable for a URL with a password.",
		field: func(c *Config) any { return &c.Database.URL }},
	{Name: "database.read_url", Env: "MOTCUA_DB_READ", Flag: "db-read", Secret: true,
		Vi:    "CSDL chỉ đọc cho báo cáo, thống kê công khai và xuất tệp (bản sao PostgreSQL streaming replica). Để trống: dùng database.url.",
		En:    "Read-only database for reports, public statistics and exports (a PostgreSQL streaming replica). Empty: database.url.",
		field: func(c *Config) any { return &c.Database.ReadURL }},
	{Name: "database.read_max_lag", Env: "MOTCUA_DB_READ_MAX_LAG", Flag: "db-read-max-lag",
		Vi:    "Khi bản sao chậm hơn mức này (hoặc không kết nối được), báo cáo đọc từ database.url; kiểm tra lại mỗi 5 giây.",
		En:    "When the replica lags more than this (or is unreachable), reports read from database.url; checked again every 5 seconds.",
		field: func(c *Config) any { return &c.Database.ReadMaxLag }},
	{Name: "database.max_conns", Env: "MOTCUA_DB_MAX_CONNS", Flag: "db-max-conns",
		Vi:    "Số kết nối tối đa của mỗi nhóm kết nối (0: gấp đôi số CPU, ít nhất 4). Tổng của mọi máy chủ phải nhỏ hơn max_connections của PostgreSQL.",
		En:    "Connections per pool (0: 2 × CPUs, at least 4). The sum over all servers must stay below PostgreSQL's max_connections.",
		field: func(c *Config) any { return &c.Database.MaxConns }},

	{Name: "server.addr", Env: "MOTCUA_ADDR", Flag: "addr",
		Vi:    "Địa chỉ lắng nghe (máy:cổng). Sau reverse proxy, giữ 127.0.0.1 hoặc địa chỉ mạng nội bộ.",
		En:    "Listen address (host:port). Behind a reverse proxy keep it on loopback or the private network.",
		field: func(c *Config) any { return &c.Server.Addr }},
	{Name: "server.secure_cookies", Env: "MOTCUA_SECURE_COOKIES", Flag: "secure-cookies",
		Vi:    "Cookie phiên chỉ gửi qua HTTPS: auto (bật khi không nghe trên loopback), true, false. Yêu cầu đến qua HTTPS (trực tiếp hoặc qua proxy tin cậy báo X-Forwarded-Proto: https) luôn nhận cookie Secure.",
		En:    "Secure session cookie: auto (on unless listening on loopback), true or false. Requests over HTTPS (direct, or a trusted proxy's X-Forwarded-Proto: https) always get a Secure cookie.",
		field: func(c *Config) any { return &c.Server.SecureCookies }},
	{Name: "server.trusted_proxies", Env: "MOTCUA_TRUSTED_PROXIES", Flag: "trusted-proxies",
		Vi:    "Địa chỉ hoặc dải CIDR của reverse proxy / bộ cân bằng tải được tin X-Forwarded-For và X-Forwarded-Proto (biến môi trường và tham số: cách nhau bởi dấu phẩy). Để trống: không tin tiêu đề nào.",
		En:    "Addresses or CIDR prefixes of the reverse proxies / load balancers whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated in the environment and flags). Empty: none.",
		field: func(c *Config) any { return &c.Server.TrustedProxies }},
	{Name: "server.max_body_bytes", Env: "MOTCUA_MAX_BODY_BYTES", Flag: "max-body-bytes",
		Vi:    "Giới hạn thân yêu cầu của biểu mẫu và JSON, tính bằng byte (tệp nộp trực tuyến và tài liệu ISO có giới hạn riêng).",
		En:    "Limit of form and JSON request bodies in bytes (online submissions' files and QMS attachments have their own limits).",
		field: func(c *Config) any { return &c.Server.MaxBodyBytes }},
	{Name: "server.session_lifetime", Env: "MOTCUA_SESSION_LIFETIME", Flag: "session-lifetime",
		Vi:    "Thời gian tối đa của một lần đăng nhập (ví dụ 12h).",
		En:    "Absolute lifetime of a sign-in (e.g. 12h).",
		field: func(c *Config) any { return &c.Server.SessionLifetime }},
	{Name: "server.session_idle_timeout", Env: "MOTCUA_SESSION_IDLE_TIMEOUT", Flag: "session-idle-timeout",
		Vi:    "Phiên hết hạn sau khoảng thời gian không thao tác này (ví dụ 2h).",
		En:    "A session ends after this long without a request (e.g. 2h).",
		field: func(c *Config) any { return &c.Server.SessionIdleTimeout }},
	{Name: "server.shutdown_timeout", Env: "MOTCUA_SHUTDOWN_TIMEOUT", Flag: "shutdown-timeout",
		Vi:    "Khi nhận SIGTERM: thời gian chờ các yêu cầu đang xử lý kết thúc.",
		En:    "On SIGTERM: how long requests in progress may take to finish.",
		field: func(c *Config) any { return &c.Server.ShutdownTimeout }},
	{Name: "server.demo", Env: "MOTCUA_DEMO", Flag: "demo",
		Vi:    "Nạp dữ liệu minh họa khi khởi động (không dùng khi vận hành thật).",
		En:    "Load the demonstration data at start (never in production).",
		field: func(c *Config) any { return &c.Server.Demo }},

	{Name: "jobs.enabled", Env: "MOTCUA_JOBS", Flag: "jobs",
		Vi:    "Chạy các tác vụ nền (nhắc việc, thư điện tử) trong máy chủ web này; đặt false khi một tiến trình motcua worker riêng chạy chúng. Nhiều máy chủ cùng bật vẫn chỉ chạy mỗi lượt một lần.",
		En:    "Run the background jobs (reminders, mail) inside this web server; false when a separate motcua worker runs them. Several servers with jobs on still run each slot once.",
		field: func(c *Config) any { return &c.Jobs.Enabled }},

	{Name: "log.level", Env: "MOTCUA_LOG_LEVEL", Flag: "log-level",
		Vi:    "Mức ghi log: debug, info, warn, error.",
		En:    "Log level: debug, info, warn or error.",
		field: func(c *Config) any { return &c.Log.Level }},
	{Name: "log.format", Env: "MOTCUA_LOG_FORMAT", Flag: "log-format",
		Vi:    "Định dạng log: text hoặc json (json cho journald và hệ thống thu thập log).",
		En:    "Log format: text or json (json for the journal and log collectors).",
		field: func(c *Config) any { return &c.Log.Format }},
}

// Keys returns the key table (a copy).
func Keys() []Key { return append([]Key(nil), keys...) }

// KeyByName returns the key of a dotted name such as "server.addr".
func KeyByName(name string) (Key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// KeyByFlag returns the key a command-line flag sets.
func KeyByFlag(flag string) (Key, bool) {
	for _, k := range keys {
		if k.Flag == flag {
			return k, true
		}
	}
	return Key{}, false
}

// IsBool reports whether the key is true or false (a flag without a value sets it).
func (k Key) IsBool() bool {
	_, ok := k.field(&Config{}).(*bool)
	return ok
}

// Value returns the key's value in c as text, a secret one redacted.
func (k Key) Value(c Config) string {
	s := k.text(&c)
	if k.Secret {
		return RedactDSN(s)
	}
	return s
}

// text formats the key's value the way setText reads it.
func (k Key) text(c *Config) string {
	switch p := k.field(c).(type) {
	case *string:
		return *p
	case *bool:
		return strconv.FormatBool(*p)
	case *int64:
		return strconv.FormatInt(*p, 10)
	case *time.Duration:
		return FormatDuration(*p)
	case *[]string:
		return strings.Join(*p, ",")
	}
	panic("config: unsupported field type for " + k.Name)
}

// setText sets the key from an environment variable or a flag.
func (k Key) setText(c *Config, v string) error {
	v = strings.TrimSpace(v)
	switch p := k.field(c).(type) {
	case *string:
		*p = v
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("cần true hoặc false / expected true or false, got %q", v)
		}
		*p = b
	case *int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("cần một số nguyên / expected an integer, got %q", v)
		}
		*p = n
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("cần một khoảng thời gian như 90s, 15m, 12h / expected a duration such as 90s, 15m or 12h, got %q", v)
		}
		*p = d
	case *[]string:
		*p = splitList(v)
	default:
		panic("config: unsupported field type for " + k.Name)
	}
	return nil
}

// setTOML sets the key from a value decoded from the file.
func (k Key) setTOML(c *Config, v any) error {
	switch p := k.field(c).(type) {
	case *string:
		s, ok := v.(string)
		if !ok {
			return typeError("một chuỗi trong ngoặc kép / a quoted string", v)
		}
		*p = s
	case *bool:
		b, ok := v.(bool)
		if !ok {
			return typeError("true hoặc false / true or false", v)
		}
		*p = b
	case *int64:
		n, ok := v.(int64)
		if !ok {
			return typeError("một số nguyên / an integer", v)
		}
		*p = n
	case *time.Duration:
		s, ok := v.(string)
		if !ok {
			return typeError(`một khoảng thời gian trong ngoặc kép như "15m" / a quoted duration such as "15m"`, v)
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf(`cần một khoảng thời gian như "90s", "15m", "12h" / expected a duration such as "90s", "15m" or "12h", got %q`, s)
		}
		*p = d
	case *[]string:
		list, ok := v.([]any)
		if !ok {
			return typeError(`một danh sách chuỗi như ["10.0.0.0/8"] / a list of strings such as ["10.0.0.0/8"]`, v)
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return typeError("một danh sách chuỗi / a list of strings", v)
			}
			out = append(out, strings.TrimSpace(s))
		}
		*p = out
	default:
		panic("config: unsupported field type for " + k.Name)
	}
	return nil
}

func typeError(want string, got any) error {
	return fmt.Errorf("cần %s, không phải %s / expected %s, not %s", before(want), tomlType(got), after(want), tomlType(got))
}

// before and after split "vi / en" texts.
func before(s string) string { v, _, _ := strings.Cut(s, " / "); return v }
func after(s string) string {
	_, e, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	return e
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64:
		return "integer"
	case float64:
		return "float"
	case []any:
		return "array"
	case map[string]any:
		return "table"
	case time.Time:
		return "datetime"
	}
	return fmt.Sprintf("%T", v)
}

func splitList(v string) []string {
	out := []string{}
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// FormatDuration writes 12h rather than 12h0m0s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
