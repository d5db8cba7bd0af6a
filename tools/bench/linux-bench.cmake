# linux-bench: Debian's arm64 kernel to its init's line on the model against QEMU TCG
# (-cpu max); see tools/bench/linux-bench. Run: cmake --build <build> --target
# linux-bench-run (needs vmm, the initramfs of tests/model (tests/kvm/linux-init.c), build/kvm-host/Image from
# tools/setup, and qemu-system-aarch64).
# (tests/ comes after tools/ in the build: the initramfs is named by its path, built
# by the default target.)
if(TARGET vmm AND NOT TARGET linux-bench-run)
	add_custom_target(linux-bench-run
		COMMAND ${CMAKE_CURRENT_LIST_DIR}/linux-bench $<TARGET_FILE:vmm>
			${CMAKE_SOURCE_DIR}/build/kvm-host/Image
			${CMAKE_BINARY_DIR}/tests/model/linux-initramfs-glibc.cpio
		DEPENDS vmm USES_TERMINAL VERBATIM)
endif()
