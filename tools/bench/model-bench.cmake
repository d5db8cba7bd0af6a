# model-bench: the model accelerator against QEMU TCG (MIPS, TLB-miss store cost, guest
# suite time); see tools/bench/model-bench. Run: cmake --build <build> --target
# model-bench-run (needs vmm, the guest and qemu-system-aarch64).
if(TARGET vmm AND TARGET guest AND NOT TARGET model-bench-run)
	add_custom_target(model-bench-run
		COMMAND ${CMAKE_CURRENT_LIST_DIR}/model-bench $<TARGET_FILE:vmm>
			${CMAKE_BINARY_DIR}/guest/guest.img
		DEPENDS vmm guest USES_TERMINAL VERBATIM)
endif()
