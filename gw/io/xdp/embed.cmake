# Writes the BPF object IN as a C array (VAR, VAR_len) to OUT, so that vxgwd
# carries its XDP program inside its binary: no file to install, find, or get out of step.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN} by gw/io/xdp/embed.cmake */\n#include <stddef.h>\n"
     "const unsigned char ${VAR}[] = {\n${body}};\nconst size_t ${VAR}_len = ${bytes};\n")
