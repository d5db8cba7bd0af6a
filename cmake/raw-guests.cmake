# raw_guests(TARGET SOURCE MACRO PREFIX KINDS k... [FLAGS f...])
# Cross-builds small test guests from one assembly file: one raw binary per kind,
# PREFIX-<kind>.bin in the current binary dir, assembled with -D<MACRO>=<kind> and
# linked at RAM + 0x80000, where vmm and QEMU load raw images. The sources include
# <platform/memmap.h> for device addresses and may include tests/include/ (e.g. the
# MMU-on prologue, raw-guest-mmu.h). TARGET (built by
# default) depends on all of them. The cross toolchain is REQUIRED: without it the
# tests that use these guests must fail, not silently vanish (tools/setup installs it).
find_program(AARCH64_GCC aarch64-linux-gnu-gcc REQUIRED)
find_program(AARCH64_OBJCOPY aarch64-linux-gnu-objcopy REQUIRED)

function(raw_guests target source macro prefix)
	cmake_parse_arguments(RG "" "" "KINDS;FLAGS" ${ARGN})
	get_filename_component(src ${source} ABSOLUTE)
	set(bins)
	foreach(kind ${RG_KINDS})
		set(bin ${CMAKE_CURRENT_BINARY_DIR}/${prefix}-${kind}.bin)
		add_custom_command(OUTPUT ${bin}
			COMMAND ${AARCH64_GCC} ${RG_FLAGS} -nostdlib -D${macro}=${kind}
				-I${CMAKE_SOURCE_DIR}/platform/include -I${CMAKE_SOURCE_DIR}/tests/include
				-Wl,--build-id=none -Wl,-Ttext=0x40080000 -o ${bin}.elf ${src}
			COMMAND ${AARCH64_OBJCOPY} -O binary -j .text ${bin}.elf ${bin}
			DEPENDS ${src} ${CMAKE_SOURCE_DIR}/platform/include/platform/memmap.h
				${CMAKE_SOURCE_DIR}/tests/include/raw-guest-mmu.h VERBATIM)
		list(APPEND bins ${bin})
	endforeach()
	add_custom_target(${target} ALL DEPENDS ${bins})
endfunction()
