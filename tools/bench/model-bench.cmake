# model-bench: the model accelerator against QEMU TCG, every speed figure of the model
# side by side (MIPS, TLB-miss store cost, guest suite and Debian boot wall time,
# --checks cost, host memory); see tools/bench/model-bench. Run: cmake --build <build>
# --target model-bench-run (needs vmm, the guest, qemu-system-aarch64; for the Debian
# figure build/kvm-host/Image from tools/setup and the initramfs of tests/model, built
# by the default target).
if(TARGET vmm AND TARGET guest AND NOT TARGET model-bench-run)
	add_custom_target(model-bench-run
		COMMAND ${CMAKE_CURRENT_LIST_DIR}/model-bench $<TARGET_FILE:vmm>
			${CMAKE_BINARY_DIR}/guest/guest.img
			${CMAKE_SOURCE_DIR}/build/kvm-host/Image
			${CMAKE_BINARY_DIR}/tests/model/linux-initramfs-glibc.cpio
		DEPENDS vmm guest USES_TERMINAL VERBATIM)
endif()
