package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Example returns a configuration file with every key at its default, each explained in
// Vietnamese and English with its environment variable and flag. It is what
// `motcua config example` prints; loading it gives Default().
func Example() string {
	var b strings.Builder
	b.WriteString(`# Tệp cấu hình motcua / motcua configuration file (TOML).
# Dùng / use: motcua serve --config /etc/motcua/motcua.toml   (hoặc / or MOTCUA_CONFIG=…)
# Thứ tự ưu tiên / precedence: mặc định / defaults < tệp này / this file
#   < biến môi trường / environment variables < tham số dòng lệnh / flags.
# Kiểm tra / check: motcua config check /etc/motcua/motcua.toml
# Mỗi khóa dưới đây mang giá trị mặc định / every key below holds its default.
# Máy chủ thư (SMTP) được cấu hình trong CSDL tại /admin/mail, không ở đây.
# SMTP is configured in the database at /admin/mail, not here.
`)
	def := Default()
	section := ""
	for _, k := range keys {
		sec, leaf, dotted := strings.Cut(k.Name, ".")
		if !dotted {
			leaf, sec = k.Name, ""
		}
		if sec != section {
			fmt.Fprintf(&b, "\n[%s]\n", sec)
			section = sec
		}
		b.WriteString("\n")
		wrapComment(&b, k.Vi)
		wrapComment(&b, k.En)
		where := "env " + k.Env
		if k.Flag != "" {
			where += ", motcua serve --" + k.Flag
		}
		fmt.Fprintf(&b, "# (%s)\n", where)
		fmt.Fprintf(&b, "%s = %s\n", leaf, tomlLiteral(k.field(&def)))
	}
	return b.String()
}

// wrapComment writes text as # lines of at most about 92 characters.
func wrapComment(b *strings.Builder, text string) {
	line := "#"
	for w := range strings.FieldsSeq(text) {
		if len([]rune(line))+1+len([]rune(w)) > 92 && line != "#" {
			b.WriteString(line + "\n")
			line = "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

// tomlLiteral writes a field's value as TOML.
func tomlLiteral(p any) string {
	switch v := p.(type) {
	case *string:
		return strconv.Quote(*v)
	case *bool:
		return strconv.FormatBool(*v)
	case *int64:
		return strconv.FormatInt(*v, 10)
	case *time.Duration:
		return strconv.Quote(FormatDuration(*v))
	case *[]string:
		q := make([]string, len(*v))
		for i, s := range *v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	panic(fmt.Sprintf("config: unsupported field type %T", p))
}
